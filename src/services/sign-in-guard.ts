/**
 * The one gate every sign-in passes before it hands out a way in (a client API session, an OAuth
 * token family, an admin session): an account an operator suspended gets none.
 *
 * Suspending sets the flag and then revokes what the user holds. A sign-in that read the user just
 * before the flag was set could list its grant after that revocation ran, leaving a live token; so
 * the user is read again once the grant is listed, and the grant taken back when the account was
 * suspended (or deleted) meanwhile. Either the second read sees the flag, or the grant was listed
 * before the flag was set, and the revocation that follows the flag finds it.
 */
import { UserRouterError } from '../errors.js'
import type { StoredUser } from '../model/user.js'
import type { ServiceDeps } from './deps.js'

/**
 * 403 `account_suspended` for a suspended user. Only for a user who has just proven who they are:
 * a wrong password must answer as for any account. Flows that write to the account before signing
 * it in (claiming a phone, a provider's profile) call it first, so a refused sign-in changes nothing.
 */
export function refuseSuspended(user: StoredUser): void {
  if (user.suspended) throw new UserRouterError('account_suspended')
}

/** How to hand out one way in and take it back. */
export interface Grant<T> {
  issue(): Promise<T>
  revoke(issued: T): Promise<void>
}

/**
 * Issues `grant` to a user who has proven who they are, unless suspended; takes it back and throws
 * when the user was suspended (`account_suspended`) or deleted (`user_not_found`) while it was issued.
 */
export async function grantUnlessSuspended<T>(deps: ServiceDeps, user: StoredUser, grant: Grant<T>): Promise<T> {
  refuseSuspended(user)
  const issued = await grant.issue()
  const current = await deps.store.getUserById(user.id)
  if (!current || current.suspended) {
    await grant.revoke(issued)
    throw new UserRouterError(current ? 'account_suspended' : 'user_not_found')
  }
  return issued
}
