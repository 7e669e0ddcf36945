/**
 * Options of `RedisKeyValueStore`, checked once in the constructor. A mistake is a developer error:
 * a plain `Error` naming the option.
 */
import type { Cluster, Redis } from 'ioredis'

export interface RedisKeyValueStoreOptions {
  /**
   * An app's ioredis client (`new Redis(...)` or `new Cluster(...)`), shared with the store. The
   * store sets no option and no listener on it, and `close()` leaves it open. Not with `url`.
   */
  client?: Redis | Cluster
  /**
   * `redis://[user:password@]host:6379[/db]` (or `rediss://`): the store creates its own client,
   * tuned to fail fast while Redis is down and to reconnect forever, and quits it in `close()`.
   */
  url?: string
  /**
   * Put in front of every key by the store itself (default `'eur:'`). Two apps or routers sharing
   * one Redis need different prefixes.
   */
  keyPrefix?: string
  /**
   * Milliseconds one call may take, waiting for a connection included, before it fails with
   * `unavailable` (default 2000). Also the own client's `connectTimeout` and `commandTimeout`.
   */
  commandTimeoutMs?: number
}

/** The options after checking, with defaults applied. */
export interface RedisConfig {
  readonly client: Redis | Cluster | undefined
  readonly url: string | undefined
  readonly keyPrefix: string
  readonly commandTimeoutMs: number
}

export const DEFAULT_KEY_PREFIX = 'eur:'
export const DEFAULT_COMMAND_TIMEOUT_MS = 2000
const KNOWN_OPTIONS = new Set(['client', 'url', 'keyPrefix', 'commandTimeoutMs'])

function fail(option: string, problem: string): never {
  throw new Error(`RedisKeyValueStore: options.${option} ${problem}`)
}

export function parseRedisOptions(options: RedisKeyValueStoreOptions): RedisConfig {
  if (options === null || typeof options !== 'object') throw new Error('RedisKeyValueStore: options must be an object')
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) fail(key, `is not an option (known: ${[...KNOWN_OPTIONS].join(', ')})`)
  }
  const { client, url, keyPrefix = DEFAULT_KEY_PREFIX, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS } = options
  if (client !== undefined && url !== undefined) fail('client', 'cannot be given together with options.url: give one of them')
  if (client === undefined && url === undefined) fail('url', 'is required (or options.client, an ioredis client)')
  if (client !== undefined) {
    const c = client as unknown as Record<string, unknown> | null
    if (c === null || typeof c !== 'object' || typeof c.evalsha !== 'function' || typeof c.getdel !== 'function') {
      fail('client', 'must be an ioredis client (new Redis(...) or new Cluster(...))')
    }
  }
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url))) {
    fail('url', "must be a 'redis://' or 'rediss://' URL")
  }
  if (typeof keyPrefix !== 'string') fail('keyPrefix', 'must be a string')
  if (!Number.isSafeInteger(commandTimeoutMs) || commandTimeoutMs < 1 || commandTimeoutMs > 2_147_483_647) {
    fail('commandTimeoutMs', 'must be a positive integer number of milliseconds')
  }
  return { client, url, keyPrefix, commandTimeoutMs }
}
