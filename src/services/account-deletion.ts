/**
 * Deleting an account, by its user or by an operator: the row and its identities go first (one
 * atomic step of the store), then everything the key-value store keeps for the user. Identifiers
 * are free at once; the id is never given to anyone else.
 */
import { UserRouterError } from '../errors.js'
import type { StoredUser } from '../model/user.js'
import { userThrottleAccount } from './accounts.js'
import { eraseAdminSessions } from './admin-grants.js'
import { currentPasswordThrottleAccount } from './current-password.js'
import type { RequestMeta, ServiceDeps } from './deps.js'
import { eraseEmailCooldown } from './email-sending.js'
import { forgetLoginCode } from './login-codes.js'
import { rateCounterKey } from './rate-limits.js'
import { erasePhoneTraces } from './sms-codes.js'
import { eraseUserTraces } from './user-traces.js'

/** Who deleted the account: its user, or an operator. */
export type DeletionMethod = 'self' | 'admin'

/**
 * Deletes the user and every trace of it in the key-value store, and emits `account_deleted`.
 * Null when there is no such user (nothing is done).
 */
export async function deleteAccount(deps: ServiceDeps, userId: number, method: DeletionMethod, meta: RequestMeta): Promise<StoredUser | null> {
  const user = await deps.store.deleteUser(userId)
  if (!user) return null
  await eraseKeyValueTraces(deps, user)
  deps.emit({ type: 'account_deleted', userId, method, ...(meta.clientId ? { clientId: meta.clientId } : {}), ip: meta.ip })
  return user
}

/**
 * An operator's deletion of a user's account. The operator's own account is refused: one request
 * must not lock its operator out; the client API deletes it with the operator's own proof. Throws
 * `user_not_found` when there is no such user.
 */
export async function deleteAccountAsOperator(deps: ServiceDeps, operatorId: number, userId: number, meta: RequestMeta): Promise<void> {
  if (userId === operatorId) {
    throw new UserRouterError('invalid_request', { message: "An operator's own account is not deleted through the admin API: use the client API's account deletion." })
  }
  if (!(await deleteAccount(deps, userId, 'admin', meta))) throw new UserRouterError('user_not_found')
}

/**
 * Everything kept for the user: sessions and OAuth token families, the phone API's login code,
 * e-mail links and other listed keys, its sign-in failure counts, its hourly mail count, and the
 * codes and counts of its verified phone and e-mail. The counts of an unverified phone or e-mail
 * stay until their windows end (a day at most): the account never proved the contact was its
 * own, and they guard the contact's owner against floods of codes and mails.
 */
async function eraseKeyValueTraces(deps: ServiceDeps, user: StoredUser): Promise<void> {
  const { kv } = deps
  await deps.sessions.revokeUser(user.id)
  await Promise.all([
    eraseAdminSessions(deps, user.id),
    forgetLoginCode(kv, user.id),
    eraseUserTraces(kv, user.id),
    deps.throttle.forget(userThrottleAccount(user.id)),
    deps.throttle.forget(currentPasswordThrottleAccount(user.id)),
    kv.delete([rateCounterKey('emailsPerUserPerHour', String(user.id))]),
    user.phone !== null && user.phoneVerified ? erasePhoneTraces(deps, user.phone) : undefined,
    user.email !== null && user.emailVerified ? eraseEmailCooldown(deps, user.email) : undefined,
  ])
}
