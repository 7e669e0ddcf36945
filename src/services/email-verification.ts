/**
 * E-mail verification: a signed-in user asks for a link to their address; opening
 * it marks the address verified, once, while the user still has that address.
 */
import { UserRouterError } from '../errors.js'
import { INTERNAL_FIELDS } from '../model/fields.js'
import type { RequestMeta, ServiceDeps } from './deps.js'
import { consumeLink, grantMatches } from './email-links.js'
import { acquireCooldown, countMail, releaseCooldown, sendLinkMail } from './email-sending.js'

/**
 * Mails a verification link to the user's address. Throws `email_missing`,
 * `email_already_verified`, `email_rate_limited`, `rate_limited` (the user's or the IP's hourly
 * mails) or `mail_failed`.
 * `targetUrl` is the absolute URL the link opens (the token is added to it).
 */
export async function requestEmailVerification(deps: ServiceDeps, userId: number, targetUrl: string, meta: RequestMeta): Promise<void> {
  const user = await deps.store.getUserById(userId)
  if (!user) throw new UserRouterError('unauthenticated')
  if (!user.email) throw new UserRouterError('email_missing')
  if (user.emailVerified) throw new UserRouterError('email_already_verified')
  const email = user.email
  await acquireCooldown(deps, email, meta, userId)
  try {
    await countMail(deps, meta, userId)
    await sendLinkMail(deps, {
      grant: { purpose: 'verify', userId, email },
      ttlSeconds: deps.email.verifyTtlSeconds,
      targetUrl,
    })
  } catch (error) {
    await releaseCooldown(deps, email)
    throw error
  }
  deps.emit({ type: 'email_verification_sent', userId, clientId: meta.clientId, ip: meta.ip })
}

/**
 * Uses a verification link up and marks the address verified. Throws `invalid_link` for an unknown,
 * used or expired link, and for a user who no longer has the address the link was sent to.
 */
export async function confirmEmailVerification(deps: ServiceDeps, token: string, meta: RequestMeta): Promise<void> {
  const grant = await consumeLink(deps.kv, 'verify', token, deps.now())
  if (!grant) throw new UserRouterError('invalid_link')
  const user = await deps.store.getUserById(grant.userId)
  if (!grantMatches(grant, user)) throw new UserRouterError('invalid_link')
  // A second link to an already verified address still answers success: the address is proven.
  if (user.emailVerified) return
  const updated = await deps.store.updateUser(user.id, {
    operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }],
    updatedAt: deps.now(),
  })
  if (!updated) throw new UserRouterError('invalid_link')
  deps.emit({ type: 'email_verified', userId: user.id, ip: meta.ip })
}
