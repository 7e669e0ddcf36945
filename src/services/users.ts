/**
 * Reading and updating profiles. Parsing of MinApp queries and update bodies happens in
 * `src/query`; this layer applies them to the store.
 */
import { UserRouterError } from '../errors.js'
import type { StoredUser } from '../model/user.js'
import type { UserPage } from '../ports.js'
import type { UserQuery } from '../query/filter.js'
import type { UpdateOperation } from '../query/update.js'
import type { ServiceDeps } from './deps.js'

export async function getUser(deps: ServiceDeps, id: number): Promise<StoredUser | null> {
  return deps.store.getUserById(id)
}

export async function listUsers(deps: ServiceDeps, query: UserQuery): Promise<UserPage> {
  return deps.store.listUsers(query)
}

/** Applies a parsed profile update atomically and returns the updated user. */
export async function updateProfile(deps: ServiceDeps, id: number, operations: readonly UpdateOperation[]): Promise<StoredUser> {
  const user = await deps.store.updateUser(id, { operations, updatedAt: deps.now() })
  if (!user) throw new UserRouterError('user_not_found')
  return user
}
