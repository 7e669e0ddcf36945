/**
 * How a user proves a request to delete their own account. Each account has the proofs its
 * sign-in ways allow: its password; an SMS code (purpose `delete`) to its verified phone; a link
 * mailed to its verified e-mail, when it has neither; and, with no password and no verified
 * contact (anonymous or third-party accounts), a recent sign-in of the token. A contact counts
 * only when the router can reach it (an SMS sender, a mailer).
 */
import { UserRouterError, fieldError } from '../errors.js'
import type { StoredUser } from '../model/user.js'
import { deleteAccount } from './account-deletion.js'
import { isRecentSignIn, proveCurrentPassword } from './current-password.js'
import type { RequestMeta, ServiceDeps } from './deps.js'
import { consumeLink, grantMatches, passwordTag, peekLink, type LinkGrant } from './email-links.js'
import { acquireCooldown, countMail, releaseCooldown, sendLinkMail } from './email-sending.js'
import type { Session } from './sessions.js'
import { sendSmsCode, verifySmsCode } from './sms-codes.js'

/** What a deletion request carries: at most one of them; none for the e-mail link and recent sign-in proofs. */
export interface DeletionProof {
  password?: string
  code?: string
}

/** The proofs an account can give, by what it has. */
interface ProofWays {
  password: boolean
  /** The verified phone an SMS code can go to. */
  phone: string | null
  /** The verified address a link can go to (only when there is no password and no phone). */
  email: string | null
  /** A recent sign-in (only when there is nothing else). */
  recentSignIn: boolean
}

function proofWays(deps: ServiceDeps, user: StoredUser): ProofWays {
  const password = user.passwordHash !== null
  const phone = user.phone !== null && user.phoneVerified && deps.sms !== undefined ? user.phone : null
  const email = !password && phone === null && user.email !== null && user.emailVerified && deps.mailer !== undefined ? user.email : null
  return { password, phone, email, recentSignIn: !password && phone === null && email === null }
}

/** A 400 telling what this account sends instead of what it sent (or of nothing), naming the fields it may send. */
function proofNeeded(ways: ProofWays, deps: ServiceDeps): UserRouterError {
  const details = [
    ...(ways.password ? [{ field: 'password', message: 'is required to delete the account' }] : []),
    ...(ways.phone !== null ? [{ field: 'code', message: 'is required to delete the account: an SMS code sent to the verified phone' }] : []),
  ]
  if (details.length > 0) {
    const message = `${details.map((d) => d.field).join(' or ')}: ${ways.password ? 'the password' : 'an SMS code'}${ways.password && ways.phone !== null ? ' or an SMS code' : ''} is required to delete the account.`
    return new UserRouterError('invalid_request', { message, details })
  }
  if (ways.email !== null) {
    return new UserRouterError('invalid_request', { message: 'This account confirms its deletion through a link mailed to its verified e-mail address: ask for the link.' })
  }
  return new UserRouterError('invalid_request', {
    message: `This account confirms its deletion by a recent sign-in: sign in again and send {} within ${deps.recentSignInSeconds} seconds.`,
  })
}

async function ownUser(deps: ServiceDeps, userId: number): Promise<StoredUser> {
  const user = await deps.store.getUserById(userId)
  if (!user) throw new UserRouterError('unauthenticated')
  return user
}

/**
 * Deletes the session's user once the proof holds. A wrong password is `wrong_password` (counted
 * like a failed sign-in: past the limits `login_throttled`), a wrong code `invalid_code`; a proof
 * the account cannot give, or none where one is needed, is `invalid_request` naming what to send.
 */
export async function deleteOwnAccount(deps: ServiceDeps, session: Session, proof: DeletionProof, meta: RequestMeta): Promise<void> {
  const user = await ownUser(deps, session.userId)
  const ways = proofWays(deps, user)
  if (proof.password !== undefined && proof.code !== undefined) throw fieldError('invalid_request', 'code', 'cannot be sent with password: send one proof')
  if (proof.password !== undefined) {
    if (!ways.password) throw proofNeeded(ways, deps)
    await proveCurrentPassword(deps, user, { password: proof.password, field: 'password', purpose: 'delete the account' }, meta)
  } else if (proof.code !== undefined) {
    if (ways.phone === null) throw proofNeeded(ways, deps)
    const right = await verifySmsCode(deps, { phone: ways.phone, purpose: 'delete', code: proof.code, ip: meta.ip, clientId: meta.clientId })
    if (!right) throw new UserRouterError('invalid_code', { details: [{ field: 'code', message: 'is wrong or has expired' }] })
  } else if (!ways.recentSignIn || !isRecentSignIn(deps, session)) {
    throw proofNeeded(ways, deps)
  }
  await deleteAccount(deps, user.id, 'self', meta)
}

/**
 * Sends an SMS code of purpose `delete` to the user's verified phone, under the SMS limits. An
 * account without a verified phone (or a router without an SMS sender) is `invalid_request`
 * naming what it sends instead.
 */
export async function sendDeletionCode(deps: ServiceDeps, userId: number, meta: RequestMeta): Promise<void> {
  const user = await ownUser(deps, userId)
  const ways = proofWays(deps, user)
  if (ways.phone === null) throw proofNeeded(ways, deps)
  await sendSmsCode(deps, { phone: ways.phone, purpose: 'delete', ip: meta.ip, clientId: meta.clientId, userId })
}

/**
 * Mails a deletion link to the verified address of an account whose proof it is (no password, no
 * verified phone), under the address's cooldown and the hourly mail limits. `targetUrl`: the
 * absolute URL the link opens (the token is added to it).
 */
export async function requestDeletionLink(deps: ServiceDeps, userId: number, targetUrl: string, meta: RequestMeta): Promise<void> {
  const user = await ownUser(deps, userId)
  const ways = proofWays(deps, user)
  if (ways.email === null) throw proofNeeded(ways, deps)
  const email = ways.email
  await acquireCooldown(deps, email, meta, userId)
  try {
    await countMail(deps, meta, userId)
    // Lives as long as a reset link. The password tag voids it once the account gets a password, which then is its proof.
    const grant: LinkGrant = { purpose: 'delete', userId, email, passwordTag: passwordTag(user) }
    await sendLinkMail(deps, { grant, ttlSeconds: deps.email.resetTtlSeconds, targetUrl })
  } catch (error) {
    await releaseCooldown(deps, email)
    throw error
  }
}

/** Whether a deletion link can still be used (for showing its confirmation page; leaves it unused). */
export async function isDeletionLinkLive(deps: ServiceDeps, token: string): Promise<boolean> {
  const grant = await peekLink(deps.kv, 'delete', token, deps.now())
  return grant !== null && grantMatches(grant, await deps.store.getUserById(grant.userId))
}

/**
 * Uses a deletion link up and deletes its account. Throws `invalid_link` for an unknown, used or
 * expired link, and for an account whose address or password changed since.
 */
export async function deleteAccountByLink(deps: ServiceDeps, token: string, meta: RequestMeta): Promise<void> {
  const grant = await consumeLink(deps.kv, 'delete', token, deps.now())
  if (!grant) throw new UserRouterError('invalid_link')
  const user = await deps.store.getUserById(grant.userId)
  if (!grantMatches(grant, user)) throw new UserRouterError('invalid_link')
  if (!(await deleteAccount(deps, user.id, 'self', meta))) throw new UserRouterError('invalid_link')
}
