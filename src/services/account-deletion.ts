/**
 * Deleting an account, by its user or by an operator: the row and its identities go first (one
 * atomic step of the store), then everything the key-value store keeps for the user. Identifiers
 * are free at once; the id is never given to anyone else.
 */
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
