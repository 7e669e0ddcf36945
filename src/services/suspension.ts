/**
 * An operator's suspension of an account. A suspended user keeps its data and identifiers but cannot
 * sign in on any API (`sign-in-guard.ts`), and every way in it held ends; lifting the suspension
 * lets it sign in again, with none of the ended sessions back.
 */
import { fieldError, UserRouterError } from '../errors.js'
import { INTERNAL_FIELDS } from '../model/fields.js'
import type { StoredUser } from '../model/user.js'
import { endAdminGrants } from './admin-grants.js'
import type { AdminServiceDeps, RequestMeta } from './deps.js'

/** 400 naming `suspended` when an operator would suspend their own account (nobody could lift it then). */
export function checkSuspensionAllowed(operatorId: number, userId: number, suspended: boolean): void {
  if (suspended && userId === operatorId) throw fieldError('invalid_request', 'suspended', 'an operator cannot suspend their own account')
}

/**
 * Sets or clears the user's suspension (`operatorId`: the operator asking, who cannot suspend
 * themselves). Suspending sets the flag first, then ends every session, token family and admin
 * session of the user: a sign-in racing with it either sees the flag or is revoked here. Emits
 * `account_suspended` or `account_resumed` when the flag changes. Throws `user_not_found`.
 */
export async function setSuspended(deps: AdminServiceDeps, operatorId: number, userId: number, suspended: boolean, meta: RequestMeta): Promise<StoredUser> {
  checkSuspensionAllowed(operatorId, userId, suspended)
  const before = await deps.store.getUserById(userId)
  if (!before) throw new UserRouterError('user_not_found')
  const user = await deps.store.updateUser(userId, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.suspended, value: suspended }], updatedAt: deps.now() })
  if (!user) throw new UserRouterError('user_not_found')
  if (suspended) await Promise.all([deps.sessions.revokeUser(userId), endAdminGrants(deps, userId)])
  if (before.suspended !== suspended) deps.emit({ type: suspended ? 'account_suspended' : 'account_resumed', userId, ip: meta.ip })
  return user
}
