/**
 * The interfaces adapters implement. Named after what the services need, no more.
 */
import type { UserQuery } from './query/filter.js'
import type { UserChanges } from './query/update.js'
import type { IdentifierKind, NewUser, StoredUser } from './model/user.js'

/** One page of users. */
export interface UserPage {
  /** At most `query.limit` users, in `query.order`. */
  users: StoredUser[]
  /** Whether at least one more user matches after this page (known without counting). */
  hasMore: boolean
  /** Every match, when `query.count` was true. */
  totalCount?: number
}

/**
 * Where users live. Run `describeUserStoreConformance` (from `express-user-router/testing`) on a
 * custom implementation: it checks every rule below.
 *
 * Failures:
 * - a duplicate username (case-insensitive), e-mail (case-insensitive) or phone rejects with
 *   `UserRouterError` code `username_taken` / `email_taken` / `phone_taken`, decided by the
 *   store's own unique constraint (never by an earlier read, which races);
 * - an unreachable backend rejects with code `unavailable`, after a bounded time;
 * - "not found" is a value (`null`), not an error.
 */
export interface UserStore {
  /** Inserts a user and returns it with its new id (a positive integer). */
  createUser(user: NewUser): Promise<StoredUser>
  getUserById(id: number): Promise<StoredUser | null>
  /**
   * Finds a user by a login identifier: username and e-mail compare case-insensitively, the phone
   * exactly (callers pass it normalised).
   */
  getUserByIdentifier(kind: IdentifierKind, value: string): Promise<StoredUser | null>
  /** One page of the users matching `query.filter`. */
  listUsers(query: UserQuery): Promise<UserPage>
  /**
   * Applies every operation atomically (concurrent increments never lose an update) and returns
   * the updated user, or null when there is no such user.
   */
  updateUser(id: number, changes: UserChanges): Promise<StoredUser | null>
  /** Releases connections. */
  close(): Promise<void>
}

/**
 * Short-lived keyed state: token sessions, throttling counters, one-time codes. Redis in production
 * (`RedisKeyValueStore`), an in-process map in development (`MemoryKeyValueStore`). Run
 * `describeKeyValueStoreConformance` on a custom implementation.
 *
 * Keys are given without the store's prefix (the store adds it). Every TTL is in whole seconds and
 * at least 1. An unreachable backend rejects with `UserRouterError` code `unavailable` after a
 * bounded time, and the store recovers by itself when the backend is back.
 */
export interface KeyValueStore {
  /** The value, or null when absent or expired. */
  get(key: string): Promise<string | null>
  /** Sets the value with a time to live, replacing any previous value and TTL. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>
  /** Sets the value only when the key is absent; true when it was set. Atomic. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>
  /** Reads and deletes in one atomic step: of concurrent callers, exactly one gets the value. */
  getAndDelete(key: string): Promise<string | null>
  /** Deletes the keys (absent ones are ignored); returns how many existed. */
  delete(keys: readonly string[]): Promise<number>
  /**
   * Adds 1 to a counter and returns the new count. The first increment of a window starts its TTL
   * (`windowSeconds`); later increments keep it, so the counter resets when the window ends. Atomic.
   */
  increment(key: string, windowSeconds: number): Promise<number>
  /** Seconds until the key expires; null when it is absent (or has no TTL). */
  ttl(key: string): Promise<number | null>
  /** Adds a member to a set and (re)sets the set's TTL to at least `ttlSeconds`. */
  addToSet(key: string, member: string, ttlSeconds: number): Promise<void>
  /** The members of a set (empty when absent). */
  setMembers(key: string): Promise<string[]>
  /** Removes members from a set. */
  removeFromSet(key: string, members: readonly string[]): Promise<void>
  /** Releases connections the store opened itself. */
  close(): Promise<void>
}
