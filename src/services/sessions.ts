/**
 * Token sessions. A token is 256 random bits (base64url, 43 characters) handed to the client once;
 * the key-value store keeps only its SHA-256, with the session data and a TTL. Checking a token is
 * one SHA-256 on the event loop (microseconds) and one read.
 *
 * A per-user index lists every key that grants access as the user (sessions, and the OAuth
 * refresh-token families of `oauth-tokens.ts`), so that revoking a user deletes them all at once.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { KeyValueStore } from '../ports.js'

/** What a session remembers about its sign-in. Never holds the token itself. */
export interface SessionData {
  userId: number
  /** The X-Hydrogen-Client-ID of the sign-in, or the OAuth client's id. */
  clientId: string
  /** Unix seconds. */
  createdAt: number
  ip: string
  userAgent: string
  /** The OAuth refresh-token family the token was issued from (OAuth access tokens only). */
  family?: string
  /**
   * Unix seconds when the token stops working: checked on the router's clock, besides the store's
   * TTL. Absent on sessions stored before it was kept.
   */
  expiresAt?: number
}

export interface Session extends SessionData {
  /** SHA-256 (hex) of the token: the session's id. */
  tokenHash: string
}

export interface IssuedToken {
  token: string
  /** Seconds until the token expires. */
  expiresIn: number
}

/** The shape of every opaque secret handed out here and in `oauth-tokens.ts`: 256 bits, base64url. */
export const OPAQUE_TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/

/** 256 random bits as 43 base64url characters. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** The key of the session of a token hash. */
export const sessionKey = (tokenHash: string) => `session:${tokenHash}`
/** The key of an OAuth token family (see `oauth-tokens.ts`), which a session may belong to. */
export const familyKey = (familyId: string) => `oauth-family:${familyId}`
const userIndexKey = (userId: number) => `user-sessions:${userId}`

export class SessionService {
  constructor(
    private readonly kv: KeyValueStore,
    /** Seconds a client API token lives. */
    private readonly ttlSeconds: number,
    /** The router's clock, Unix seconds. */
    private readonly now: () => number,
  ) {}

  /** A new token; `ttlSeconds` overrides the client API's lifetime (OAuth access tokens). */
  async issue(data: SessionData, ttlSeconds = this.ttlSeconds): Promise<IssuedToken & { tokenHash: string }> {
    const token = newOpaqueToken()
    const tokenHash = hashToken(token)
    const key = sessionKey(tokenHash)
    const stored: SessionData = { ...data, expiresAt: this.now() + ttlSeconds }
    await Promise.all([this.kv.set(key, JSON.stringify(stored), ttlSeconds), this.trackUserKey(data.userId, key, ttlSeconds)])
    return { token, expiresIn: ttlSeconds, tokenHash }
  }

  /** The live session of a token, or null (malformed, unknown, expired or revoked). */
  async verify(token: string): Promise<Session | null> {
    if (!OPAQUE_TOKEN_FORMAT.test(token)) return null
    const tokenHash = hashToken(token)
    const stored = await this.kv.get(sessionKey(tokenHash))
    if (stored === null) return null
    const data = JSON.parse(stored) as SessionData
    if (data.expiresAt !== undefined && data.expiresAt <= this.now()) return null
    return { ...data, tokenHash }
  }

  async revoke(session: Session): Promise<void> {
    const key = sessionKey(session.tokenHash)
    await Promise.all([this.kv.delete([key]), this.kv.removeFromSet(userIndexKey(session.userId), [key])])
  }

  /** Lists `key` among the keys that `revokeUser` deletes, for at least `ttlSeconds`. */
  async trackUserKey(userId: number, key: string, ttlSeconds: number): Promise<void> {
    await this.kv.addToSet(userIndexKey(userId), key, ttlSeconds)
  }

  /**
   * Revokes every session and refresh-token family of the user, except the session given (the
   * caller's own, on a password change) and the family it belongs to.
   */
  async revokeUser(userId: number, except?: Session): Promise<void> {
    const kept = new Set(except ? [sessionKey(except.tokenHash), ...(except.family ? [familyKey(except.family)] : [])] : [])
    const keys = (await this.kv.setMembers(userIndexKey(userId))).filter((key) => !kept.has(key))
    if (keys.length === 0) return
    await this.kv.delete(keys)
    await this.kv.removeFromSet(userIndexKey(userId), keys)
  }
}
