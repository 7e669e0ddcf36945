/**
 * Password reset by e-mail: anyone may ask for a reset link to an account's
 * address, verified or not; the link leads to a form whose new password replaces the old one,
 * verifies the address and ends every session of the user. So the owner of an address someone
 * else registered unverified can always claim the account.
 */
import { UserRouterError, isUserRouterError } from '../errors.js'
import type { StoredUser } from '../model/user.js'
import { emitClaimed, resetWithProof } from './account-claims.js'
import { checkIdentifier, checkPassword } from './credentials.js'
import type { RequestMeta, ServiceDeps } from './deps.js'
import { consumeLink, grantMatches, passwordTag, peekLink, type LinkGrant } from './email-links.js'
import { acquireCooldown, countMail, releaseCooldown, sendLinkMail } from './email-sending.js'
import { countAction } from './rate-limits.js'

async function sendResetMail(deps: ServiceDeps, user: StoredUser & { email: string }, targetUrl: string, meta: RequestMeta): Promise<void> {
  try {
    await sendLinkMail(deps, {
      grant: { purpose: 'reset', userId: user.id, email: user.email, passwordTag: passwordTag(user) },
      ttlSeconds: deps.email.resetTtlSeconds,
      targetUrl,
    })
  } catch (error) {
    await releaseCooldown(deps, user.email)
    throw error
  }
  deps.emit({ type: 'password_reset_requested', userId: user.id, clientId: meta.clientId, ip: meta.ip })
}

/** Claims the address's send slot, then counts the mail against the hourly limits (freeing the slot when refused). */
async function claimSend(deps: ServiceDeps, address: string, meta: RequestMeta, userId?: number): Promise<void> {
  await acquireCooldown(deps, address, meta, userId)
  try {
    await countMail(deps, meta, userId)
  } catch (error) {
    await releaseCooldown(deps, address)
    throw error
  }
}

/**
 * Mails a reset link to the account with this address (compared case-insensitively; the mail goes
 * to the address as stored, verified or not). Throws `invalid_request` (not an address),
 * `user_not_found`, `email_rate_limited`, `rate_limited` (the user's or the IP's hourly mails),
 * `mail_failed`.
 *
 * With `email.concealUnknownEmails`, unknown addresses return normally without a mail, and a real
 * mail is sent after returning (a failure is logged): neither the answer nor its timing tells
 * whether the address has an account. The cooldown and the IP's hourly limit then apply to every
 * address; past the user's hourly limit the mail is dropped silently (a `rate_limited` event tells).
 * `targetUrl` is the absolute URL the link opens (the token is added to it).
 */
export async function requestPasswordReset(deps: ServiceDeps, email: string, targetUrl: string, meta: RequestMeta): Promise<void> {
  const address = checkIdentifier('email', email)
  const { concealUnknownEmails } = deps.email
  if (concealUnknownEmails) await claimSend(deps, address, meta)
  const user = await deps.store.getUserByIdentifier('email', address)
  const eligible = user !== null && user.email !== null
  if (concealUnknownEmails) {
    if (!eligible) return
    // The user's hourly limit is counted after answering: a refusal must not tell who has an account.
    const owner = user as StoredUser & { email: string }
    void countAction(deps, 'emailsPerUserPerHour', String(owner.id), { ip: meta.ip, clientId: meta.clientId, userId: owner.id })
      .then(() => sendResetMail(deps, owner, targetUrl, meta))
      .catch((error: unknown) => {
        // Mailer failures are logged where they happen, limits are events; anything else (a template that throws) here.
        if (!isUserRouterError(error, 'mail_failed') && !isUserRouterError(error, 'rate_limited'))
          deps.logger.error('express-user-router: a password-reset mail could not be sent', error)
      })
    return
  }
  if (!user?.email) throw new UserRouterError('user_not_found')
  await claimSend(deps, user.email, meta, user.id)
  await sendResetMail(deps, user as StoredUser & { email: string }, targetUrl, meta)
}

async function liveGrant(deps: ServiceDeps, token: string): Promise<{ grant: LinkGrant; user: StoredUser } | null> {
  const grant = await peekLink(deps.kv, 'reset', token, deps.now())
  if (!grant) return null
  const user = await deps.store.getUserById(grant.userId)
  return grantMatches(grant, user) ? { grant, user } : null
}

/** Whether the reset link can still be used (for showing the form; leaves the link unused). */
export async function isResetLinkLive(deps: ServiceDeps, token: string): Promise<boolean> {
  return (await liveGrant(deps, token)) !== null
}

/**
 * Sets a new password through a reset link, uses the link up, marks the address verified (the link
 * proves it: an unverified one is a claim, `account_claimed`) and revokes every session of the
 * user. The policy is checked first and the link only used up once the new hash is ready, so a
 * weak password or a busy server leaves the link usable. Throws `invalid_request` (policy) or
 * `invalid_link` (unknown, used, expired, or the user's address or password changed since).
 */
export async function resetPassword(deps: ServiceDeps, token: string, password: string, meta: RequestMeta): Promise<void> {
  checkPassword(password, deps.passwordPolicy)
  // Cheap checks before the (deliberately slow) hash: a made-up token costs no hashing.
  if (!(await liveGrant(deps, token))) throw new UserRouterError('invalid_link')
  const passwordHash = await deps.passwords.hash(password)
  const grant = await consumeLink(deps.kv, 'reset', token, deps.now())
  if (!grant) throw new UserRouterError('invalid_link') // used by a concurrent request meanwhile
  const user = await deps.store.getUserById(grant.userId)
  if (!grantMatches(grant, user)) throw new UserRouterError('invalid_link')
  if (!(await resetWithProof(deps, user, 'email', passwordHash))) throw new UserRouterError('invalid_link')
  deps.emit({ type: 'password_reset', userId: user.id, ip: meta.ip })
  if (!user.emailVerified) {
    deps.emit({ type: 'email_verified', userId: user.id, ip: meta.ip })
    emitClaimed(deps, user.id, 'email', meta)
  }
}
