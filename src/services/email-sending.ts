/**
 * Sending the link mails: one mail per address per `email.cooldownSeconds` (an atomic
 * `setIfAbsent`, so concurrent requests and several processes send one), a fresh single-use link
 * per mail, and mailer failures turned into `mail_failed` (the mailer's own message is logged,
 * never shown to the client).
 */
import { createHash } from 'node:crypto'
import { UserRouterError, isUserRouterError } from '../errors.js'
import { identifierKey } from '../model/identifiers.js'
import type { MailMessage } from '../ports.js'
import { checkIdentifier } from './credentials.js'
import type { RequestMeta, ServiceDeps } from './deps.js'
import { issueLink, revokeLink, type LinkGrant } from './email-links.js'
import { composeEmail } from './email-messages.js'
import { countAction } from './rate-limits.js'

// Hashed so that the store's key list shows no addresses; lower-cased because addresses compare so.
const cooldownKey = (address: string) => `email-cooldown:${createHash('sha256').update(identifierKey(address)).digest('hex')}`

/** Claims the address's send slot, or throws `email_rate_limited` (with `Retry-After`). */
export async function acquireCooldown(deps: ServiceDeps, address: string, meta: RequestMeta, userId?: number): Promise<void> {
  const { cooldownSeconds } = deps.email
  const key = cooldownKey(address)
  if (await deps.kv.setIfAbsent(key, '1', cooldownSeconds)) return
  deps.emit({ type: 'rate_limited', method: 'email', ...(userId === undefined ? {} : { userId }), clientId: meta.clientId, ip: meta.ip })
  throw new UserRouterError('email_rate_limited', { retryAfter: (await deps.kv.ttl(key)) ?? cooldownSeconds })
}

/**
 * Counts a mail against the hourly limits of the asking IP and, when known, of its user (whatever
 * the address): `rate_limited` past one. Called once the address's slot is claimed, so that asking
 * again within the cooldown counts nothing.
 */
export async function countMail(deps: ServiceDeps, meta: RequestMeta, userId?: number): Promise<void> {
  const request = { ip: meta.ip, clientId: meta.clientId, ...(userId === undefined ? {} : { userId }) }
  await countAction(deps, 'emailsPerIpPerHour', meta.ip, request)
  if (userId !== undefined) await countAction(deps, 'emailsPerUserPerHour', String(userId), request)
}

/** Frees the slot again after a failed send, so the user can retry at once. Never throws. */
export async function releaseCooldown(deps: ServiceDeps, address: string): Promise<void> {
  await deps.kv.delete([cooldownKey(address)]).catch(() => undefined)
}

/** Deletes the address's send slot (an erased account's address). */
export async function eraseEmailCooldown(deps: ServiceDeps, address: string): Promise<void> {
  await deps.kv.delete([cooldownKey(address)])
}

/** Sends one message through the mailer; failures are logged here and become `mail_failed`. */
export async function deliver(deps: ServiceDeps, message: MailMessage): Promise<void> {
  // The routes are only mounted with a mailer; this guards direct callers.
  if (!deps.mailer) throw new UserRouterError('mail_failed', { cause: new Error('no mailer configured') })
  try {
    await deps.mailer.send(message)
  } catch (error) {
    deps.logger.error('express-user-router: an e-mail could not be sent', error)
    // A typed error other than mail_failed (unavailable...) keeps its meaning; anything else, and
    // the mailer's own message, becomes the generic mail_failed.
    if (isUserRouterError(error) && error.code !== 'mail_failed') throw error
    throw new UserRouterError('mail_failed', { cause: error })
  }
}

export interface LinkMail {
  grant: LinkGrant
  ttlSeconds: number
  /** Absolute URL of the link target, without the query (`https://.../confirm`). */
  targetUrl: string
}

/** Makes a link, writes the mail around it and sends it to `grant.email`; a failed send revokes the link. */
export async function sendLinkMail(deps: ServiceDeps, { grant, ttlSeconds, targetUrl }: LinkMail): Promise<void> {
  // An address stored before addresses had to be bare (a display name, a list) could reach other mailboxes.
  checkIdentifier('email', grant.email)
  const token = await issueLink(deps.kv, grant, ttlSeconds, deps.now())
  try {
    const content = await composeEmail(grant.purpose, deps.email, `${targetUrl}?token=${token}`, ttlSeconds)
    await deliver(deps, { to: grant.email, ...content })
  } catch (error) {
    await revokeLink(deps.kv, grant.purpose, token).catch(() => undefined)
    throw error
  }
}
