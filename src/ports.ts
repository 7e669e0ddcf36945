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
