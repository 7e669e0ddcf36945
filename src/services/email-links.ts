/**
 * Single-use link tokens for the e-mail flows. A token is 256 random bits (base64url) that only the
 * mail carries; the key-value store keeps its SHA-256 under a purpose-specific key with a TTL, and
 * with it what the link grants: the purpose, the user, the e-mail address it was sent to and (reset
 * links) a tag of the password hash at that time. A link is honoured only while the user still has
 * that address (and that password): changing either invalidates outstanding links.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { StoredUser } from '../model/user.js'
import type { KeyValueStore } from '../ports.js'
import { traceUserKeys } from './user-traces.js'

/** `delete`: the confirmation of an account's deletion, for an account whose only proof is its e-mail. */
export type LinkPurpose = 'verify' | 'reset' | 'delete'

/** What a stored link grants. Never holds the token. */
export interface LinkGrant {
  purpose: LinkPurpose
  userId: number
  /** The address the mail went to, exactly as stored on the user then. */
  email: string
  /** Reset and deletion links: a tag of the password hash when the link was made (see `passwordTag`). */
  passwordTag?: string
}

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/

const linkKey = (purpose: LinkPurpose, token: string) => `email-link:${purpose}:${createHash('sha256').update(token).digest('hex')}`

/**
 * A short digest of the password hash: a reset link made before a password change (or before
 * another reset) no longer matches. The hash itself never goes to the key-value store.
 */
export function passwordTag(user: StoredUser): string {
  return createHash('sha256')
    .update(user.passwordHash ?? '')
    .digest('hex')
    .slice(0, 16)
}

/** Whether the user is still the one the link was made for: same address, same password. */
export function grantMatches(grant: LinkGrant, user: StoredUser | null): user is StoredUser {
  if (!user || user.email !== grant.email) return false
  return grant.passwordTag === undefined || grant.passwordTag === passwordTag(user)
}

/** What the store keeps: the grant and when the link ends, in Unix seconds (absent on older links). */
type StoredLink = LinkGrant & { expiresAt?: number }

/** The grant, or null: no link, a link for another purpose, or one past its lifetime on the router's clock. */
function parse(purpose: LinkPurpose, stored: string | null, now: number): LinkGrant | null {
  if (stored === null) return null
  const { expiresAt, ...grant } = JSON.parse(stored) as StoredLink
  if (expiresAt !== undefined && expiresAt <= now) return null
  return grant.purpose === purpose ? grant : null
}

/**
 * Stores a new link for the grant and returns its token (the only copy); the link is listed among
 * the user's keys, so deleting the account deletes it. `now`: Unix seconds.
 */
export async function issueLink(kv: KeyValueStore, grant: LinkGrant, ttlSeconds: number, now: number): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  const stored: StoredLink = { ...grant, expiresAt: now + ttlSeconds }
  const key = linkKey(grant.purpose, token)
  await Promise.all([kv.set(key, JSON.stringify(stored), ttlSeconds), traceUserKeys(kv, grant.userId, [key], ttlSeconds)])
  return token
}

/** The grant of a live link, leaving it usable (showing the reset form must not use the link up). */
export async function peekLink(kv: KeyValueStore, purpose: LinkPurpose, token: string, now: number): Promise<LinkGrant | null> {
  if (!TOKEN_FORMAT.test(token)) return null
  return parse(purpose, await kv.get(linkKey(purpose, token)), now)
}

/** Uses the link up, atomically: of concurrent callers, exactly one gets the grant. */
export async function consumeLink(kv: KeyValueStore, purpose: LinkPurpose, token: string, now: number): Promise<LinkGrant | null> {
  if (!TOKEN_FORMAT.test(token)) return null
  return parse(purpose, await kv.getAndDelete(linkKey(purpose, token)), now)
}

/** Deletes a link (one whose mail could not be sent). */
export async function revokeLink(kv: KeyValueStore, purpose: LinkPurpose, token: string): Promise<void> {
  await kv.delete([linkKey(purpose, token)])
}
