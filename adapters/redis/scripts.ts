/**
 * The Lua scripts behind the store's multi-step operations, each on ONE key (so one hash slot: they
 * run unchanged on Redis Cluster), and how they are called: EVALSHA, then EVAL when the server does
 * not have the script yet (a new or restarted server, or another cluster node). No client state is
 * touched (no `defineCommand`), so an app's client stays as it was.
 */
import { createHash } from 'node:crypto'

export interface LuaScript {
  readonly lua: string
  readonly sha1: string
}

function script(lua: string): LuaScript {
  return { lua, sha1: createHash('sha1').update(lua).digest('hex') }
}

/**
 * INCR, then start the window's TTL on the first increment. A counter found without a TTL (set by
 * hand, or left by an interrupted older version) gets one too, so it can never count forever.
 */
export const INCREMENT = script(`
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
`)

/** SADD, then raise the set's TTL to ARGV[2] seconds when it is lower or missing; never lower it. */
export const ADD_TO_SET = script(`
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl * 1000 then
  redis.call('EXPIRE', KEYS[1], ttl)
end
return 1
`)

/** The two commands a script call needs, as ioredis' Redis and Cluster both have them. */
export interface ScriptCommands {
  evalsha(sha1: string, numKeys: number, key: string, ...args: string[]): Promise<unknown>
  eval(lua: string, numKeys: number, key: string, ...args: string[]): Promise<unknown>
}

export async function runScript(client: ScriptCommands, { lua, sha1 }: LuaScript, key: string, args: string[]): Promise<unknown> {
  try {
    return await client.evalsha(sha1, 1, key, ...args)
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    // EVAL also caches the script on that server, so the next EVALSHA finds it.
    return client.eval(lua, 1, key, ...args)
  }
}
