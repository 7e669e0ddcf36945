/**
 * Where the admin API keeps its cookie sessions, chosen where the key-value store is built: in Redis
 * through connect-redis when the router has an ioredis client (given, made from a URL, or inside an
 * app's Redis adapter store), and otherwise in the router's `KeyValueStore` (the in-process
 * stand-in outside production, or an app's own store).
 */
import type { Cluster, Redis } from 'ioredis'
import { RedisStore } from 'connect-redis'
import type session from 'express-session'
import { KeyValueSessionStore } from './http/key-value-session-store.js'
import type { KeyValueStore } from './ports.js'
import { ADMIN_SESSION_KEYS as SESSION_KEYS } from './services/admin-grants.js'

/** An ioredis client and the full prefix of the router's keys on it. */
export interface RedisKeySpace {
  client: Redis | Cluster
  keyPrefix: string
}

/** connect-redis talks to the ioredis client itself, under the same keys the `KeyValueStore` would use. */
export function adminSessionStore(kv: KeyValueStore, redis: RedisKeySpace | undefined, ttlSeconds: number): session.Store {
  if (redis) return new RedisStore({ client: redis.client, prefix: redis.keyPrefix + SESSION_KEYS, ttl: ttlSeconds })
  return new KeyValueSessionStore(kv, SESSION_KEYS, ttlSeconds)
}
