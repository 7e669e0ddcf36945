/**
 * The current-password check of every account change that needs one (a new password, a new e-mail
 * or phone), on every API family: one place, so no route can skip the throttle.
 */
import { UserRouterError, fieldError } from '../errors.js'
import type { StoredUser } from '../model/user.js'
import type { RequestMeta, ServiceDeps } from './deps.js'
import { readFamily } from './oauth-tokens.js'
import type { Session } from './sessions.js'

/** What is being changed, for the message of a missing password. */
export interface CurrentPasswordProof {
  /** The password the caller gave, if any. */
  password: string | undefined
  /** The body field that carries it (`password` on the client API, `current_password` on the phone API). */
  field: string
  /** Why it is needed, ending the sentence "is required to ..." (`change the password`). */
  purpose: string
}

/** The login throttle's account of a user's current-password checks. */
export const currentPasswordThrottleAccount = (userId: number) => `current-password:${userId}`

/**
 * Proves the caller knows the account's password; an account without one (an SMS or anonymous
 * sign-up) needs no proof. A missing password is `invalid_request` naming the field; a wrong one
 * is `wrong_password` and counts as a failed login of the account (a right one clears the count, as a
 * login does), so a stolen token cannot be used
 * to guess the password: past the limits `login_throttled` (429).
 */
export async function proveCurrentPassword(deps: ServiceDeps, user: StoredUser, proof: CurrentPasswordProof, meta: RequestMeta): Promise<void> {
  if (user.passwordHash === null) return
  if (proof.password === undefined) throw fieldError('invalid_request', proof.field, `is required to ${proof.purpose}`)
  // A place in the throttle's counts is taken before the hash, so parallel guesses cannot outrun it.
  const [storedHash, candidate] = [user.passwordHash, proof.password]
  const right = await deps.throttle.attempt(currentPasswordThrottleAccount(user.id), meta.ip, async () => (await deps.passwords.check(storedHash, candidate)).ok)
  if (!right) throw new UserRouterError('wrong_password', { details: [{ field: proof.field, message: 'is wrong' }] })
}

/**
 * Whether a session's sign-in is at most `recentSignInSeconds` old, so that it may stand in for the
 * current password of an e-mail or phone change (the MinApp SDK's setEmail and setMobilePhone send
 * none). Only client API tokens: an OAuth access token is reissued on every refresh, so its
 * `createdAt` is not the time of a sign-in.
 */
export function isRecentSignIn(deps: ServiceDeps, session: Session | undefined): boolean {
  const window = deps.recentSignInSeconds
  if (!session || session.family !== undefined || window === 0) return false
  return deps.now() - session.createdAt <= window
}

/**
 * The proof an account without a password gives for its first password or a new contact: a sign-in
 * at most `recentSignInSeconds` old. Without it a stolen token alone could set a password (or a
 * contact) of its own and keep the account. For an OAuth access token the sign-in is its family's,
 * which refreshes do not renew. Otherwise 403 `recent_sign_in_required`.
 */
export async function proveRecentSignIn(deps: ServiceDeps, session: Session | undefined): Promise<void> {
  const window = deps.recentSignInSeconds
  let signedInAt: number | undefined
  if (session?.family === undefined) signedInAt = session?.createdAt
  else signedInAt = (await readFamily(deps, session.family))?.createdAt
  if (signedInAt === undefined || window === 0 || deps.now() - signedInAt > window) throw new UserRouterError('recent_sign_in_required')
}
