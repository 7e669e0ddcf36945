/**
 * `KeyValueStore` on Redis (standalone, Sentinel or Cluster through an app's client). Needs Redis
 * 6.2 or later (GETDEL; SET KEEPTTL).
 *
 * Every command touches one key, so one hash slot: the store runs unchanged on Redis Cluster. The
 * store prefixes keys itself rather than through ioredis' `keyPrefix` option, which an app sharing
 * its client would not expect to change (an app client's own `keyPrefix`, if any, still goes in
 * front of every key, scripts' included). Values are UTF-8 strings.
 */
import type { Cluster, Redis } from 'ioredis'
import type { KeyValueStore, SecretCheck } from '../../src/ports.js'
import { mapRedisError, withDeadline } from './errors.js'
import { parseRedisOptions, type RedisKeyValueStoreOptions } from './options.js'
import { ConnectionGate, createOwnClient } from './own-client.js'
import { ADD_TO_SET, CONSUME_SECRET, DECREMENT, INCREMENT, runScript, type ScriptCommands } from './scripts.js'
import { checkMaxFailures as checkMaxFailuresOf, checkTtl as checkTtlOf } from '../../src/key-value-checks.js'

/** The commands the store sends, typed once (both Redis and Cluster have them). */
interface Commands extends ScriptCommands {
  get(key: string): Promise<string | null>
  set(key: string, value: string, ex: 'EX', seconds: number, nx?: 'NX'): Promise<string | null>
  getdel(key: string): Promise<string | null>
  unlink(key: string): Promise<number | string>
  pttl(key: string): Promise<number | string>
  smembers(key: string): Promise<Iterable<string>>
  srem(key: string, ...members: string[]): Promise<unknown>
}

const checkTtl = (method: string, ttlSeconds: number) => checkTtlOf('RedisKeyValueStore', method, ttlSeconds)
const checkMaxFailures = (maxFailures: number) => checkMaxFailuresOf('RedisKeyValueStore', maxFailures)

export class RedisKeyValueStore implements KeyValueStore {
  /** The ioredis client in use: the app's, or the one created from `url`. */
  readonly client: Redis | Cluster
  /** Put in front of every key given to the store. */
  readonly keyPrefix: string
  private readonly commands: Commands
  private readonly timeoutMs: number
  /** Only for a client the store created: an app's client is left exactly as configured. */
  private readonly gate: ConnectionGate | null

  constructor(options: RedisKeyValueStoreOptions) {
    const config = parseRedisOptions(options)
    this.keyPrefix = config.keyPrefix
    this.timeoutMs = config.commandTimeoutMs
    if (config.client) {
      this.client = config.client
      this.gate = null
    } else {
      const own = createOwnClient(config.url!, config.commandTimeoutMs)
      this.client = own
      this.gate = new ConnectionGate(own)
    }
    this.commands = this.client as unknown as Commands
  }

  async get(key: string): Promise<string | null> {
    return this.run('GET', (c) => c.get(this.keyPrefix + key), true)
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    checkTtl('set', ttlSeconds)
    await this.run('SET', (c) => c.set(this.keyPrefix + key, value, 'EX', ttlSeconds))
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    checkTtl('setIfAbsent', ttlSeconds)
    return (await this.run('SET NX', (c) => c.set(this.keyPrefix + key, value, 'EX', ttlSeconds, 'NX'))) !== null
  }

  async getAndDelete(key: string): Promise<string | null> {
    return this.run('GETDEL', (c) => c.getdel(this.keyPrefix + key))
  }

  async delete(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0
    // One UNLINK per key, sent back to back without waiting (pipelined on the wire): a multi-key
    // UNLINK, or an explicit ioredis pipeline, would fail on Cluster for keys of different slots.
    const counts = await this.run('UNLINK', (c) => Promise.all(keys.map((key) => c.unlink(this.keyPrefix + key))))
    return counts.reduce<number>((sum, n) => sum + Number(n), 0)
  }

  async increment(key: string, windowSeconds: number): Promise<number> {
    checkTtl('increment', windowSeconds)
    return Number(await this.run('increment script', (c) => runScript(c, INCREMENT, this.keyPrefix + key, [String(windowSeconds)])))
  }

  async decrement(key: string): Promise<number> {
    return Number(await this.run('decrement script', (c) => runScript(c, DECREMENT, this.keyPrefix + key, [])))
  }

  async ttl(key: string): Promise<number | null> {
    const ms = Number(await this.run('PTTL', (c) => c.pttl(this.keyPrefix + key)))
    // -2: absent, -1: no TTL. Rounded up, so a key that exists never reports 0 seconds.
    return ms < 0 ? null : Math.max(1, Math.ceil(ms / 1000))
  }

  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    checkTtl('addToSet', ttlSeconds)
    await this.run('addToSet script', (c) => runScript(c, ADD_TO_SET, this.keyPrefix + key, [member, String(ttlSeconds)]))
  }

  async setMembers(key: string): Promise<string[]> {
    // Array.from: a client configured with RESP3 reply mapping answers a Set.
    return Array.from(await this.run('SMEMBERS', (c) => c.smembers(this.keyPrefix + key)))
  }

  async removeFromSet(key: string, members: readonly string[]): Promise<void> {
    if (members.length === 0) return
    await this.run('SREM', (c) => c.srem(this.keyPrefix + key, ...members))
  }

  async putSecret(key: string, secret: string, ttlSeconds: number, owner?: string): Promise<void> {
    checkTtl('putSecret', ttlSeconds)
    // One SET replaces the secret, its owner, its failure counts and its TTL at once (see CONSUME_SECRET).
    const value = owner === undefined ? `0:${secret}` : `0/0/${Buffer.byteLength(owner)}:${owner}${secret}`
    await this.run('SET', (c) => c.set(this.keyPrefix + key, value, 'EX', ttlSeconds))
  }

  async consumeSecret(key: string, candidate: string, maxFailures: number, caller?: string): Promise<SecretCheck> {
    checkMaxFailures(maxFailures)
    const args = [candidate, String(maxFailures), caller === undefined ? '0' : '1', caller ?? '']
    const answer = await this.run('consumeSecret script', (c) => runScript(c, CONSUME_SECRET, this.keyPrefix + key, args))
    return String(answer) as SecretCheck
  }

  /** Quits the client the store created (pending replies still arrive, within the deadline); an app's client stays open. */
  async close(): Promise<void> {
    await this.gate?.close(this.timeoutMs)
  }

  /**
   * Runs one call within the deadline (waiting for the own client's connection included), mapping
   * failures. `oneCommand`: the call sends a single command, which on the store's own connected
   * client ioredis' `commandTimeout` (the same deadline) already bounds: no second timer then.
   */
  private async run<T>(what: string, call: (commands: Commands) => Promise<T>, oneCommand = false): Promise<T> {
    try {
      if (oneCommand && this.gate?.isReady()) return await call(this.commands)
      const attempt = this.gate && !this.gate.isReady() ? this.gate.ready().then(() => call(this.commands)) : call(this.commands)
      return await withDeadline(attempt, this.timeoutMs, what)
    } catch (error) {
      throw mapRedisError(error)
    }
  }
}
