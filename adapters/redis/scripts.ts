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

/**
 * DECR of a counter that exists (DECR keeps the TTL); at 0 the counter is deleted. An absent one is
 * not created (DECR would make one without a TTL, counting forever).
 */
export const DECREMENT = script(`
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local count = tonumber(stored)
if count == nil then return redis.error_reply('ERR value is not an integer or out of range') end
if count <= 1 then
  redis.call('DEL', KEYS[1])
  return 0
end
return redis.call('DECR', KEYS[1])
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

/**
 * The check of `consumeSecret`. The key holds `<failures>:<secret>` for a secret without an owner,
 * or `<failures>/<others' failures>/<owner's length in bytes>:<owner><secret>` (both written by a
 * plain SET EX in `putSecret`). ARGV: candidate, maxFailures, '1' when a caller is given, caller.
 * A match deletes the key; a mismatch counts a failure with SET KEEPTTL (Redis 6.0+), so the
 * code's expiry never moves: the owner's (or anyone's, without an owner) ARGV[2]-th deletes the
 * key; others' are counted apart and, once ARGV[2], stop their candidates being compared. The
 * comparison is not constant-time, and needs not be: callers compare keyed hashes, whose timing
 * tells nothing of the code, and the network hides nanoseconds anyway.
 */
export const CONSUME_SECRET = script(`
local stored = redis.call('GET', KEYS[1])
if not stored then return 'absent' end
local colon = string.find(stored, ':', 1, true)
local header = colon and string.sub(stored, 1, colon - 1) or ''
local failures, others, ownerLength = string.match(header, '^(%d+)/(%d+)/(%d+)$')
local owner, secret
if failures then
  failures, others, ownerLength = tonumber(failures), tonumber(others), tonumber(ownerLength)
  owner = string.sub(stored, colon + 1, colon + ownerLength)
  secret = string.sub(stored, colon + ownerLength + 1)
else
  failures = tonumber(string.match(header, '^(%d+)$'))
  if not failures then return redis.error_reply('WRONGTYPE the key does not hold a secret') end
  secret = string.sub(stored, colon + 1)
end
local maxFailures = tonumber(ARGV[2])
local byOwner = owner == nil or (ARGV[3] == '1' and ARGV[4] == owner)
if not byOwner and others >= maxFailures then return 'locked' end
if secret == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 'match'
end
if byOwner then
  failures = failures + 1
  if failures >= maxFailures then
    redis.call('DEL', KEYS[1])
    return 'burnt'
  end
else
  others = others + 1
end
local head = owner and (failures .. '/' .. others .. '/' .. ownerLength .. ':' .. owner) or (failures .. ':')
redis.call('SET', KEYS[1], head .. secret, 'KEEPTTL')
return 'mismatch'
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
