/**
 * Token sessions. A token is 256 random bits (base64url, 43 characters) handed to the client once;
 * the key-value store keeps only its SHA-256, with the session data and a TTL, plus a per-user index
 * so that every session of a user can be revoked at once. Checking a token is one SHA-256 on the
 * event loop (microseconds) and one read.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { KeyValueStore } from '../ports.js'

/** What a session remembers about its sign-in. Never holds the token itself. */
export interface SessionData {
  userId: number
  clientId: string
  /** Unix seconds. */
  createdAt: number
  ip: string
  userAgent: string
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

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

const sessionKey = (tokenHash: string) => `session:${tokenHash}`
const userIndexKey = (userId: number) => `user-sessions:${userId}`

export class SessionService {
  constructor(
    private readonly kv: KeyValueStore,
    /** Seconds a token lives. */
    private readonly ttlSeconds: number,
  ) {}

  async issue(data: SessionData): Promise<IssuedToken> {
    const token = randomBytes(32).toString('base64url')
    const tokenHash = hashToken(token)
    await Promise.all([
      this.kv.set(sessionKey(tokenHash), JSON.stringify(data), this.ttlSeconds),
      this.kv.addToSet(userIndexKey(data.userId), tokenHash, this.ttlSeconds),
    ])
    return { token, expiresIn: this.ttlSeconds }
  }

  /** The live session of a token, or null (malformed, unknown, expired or revoked). */
  async verify(token: string): Promise<Session | null> {
    if (!TOKEN_FORMAT.test(token)) return null
    const tokenHash = hashToken(token)
    const stored = await this.kv.get(sessionKey(tokenHash))
    if (stored === null) return null
    return { ...(JSON.parse(stored) as SessionData), tokenHash }
  }

  async revoke(session: Session): Promise<void> {
    await Promise.all([
      this.kv.delete([sessionKey(session.tokenHash)]),
      this.kv.removeFromSet(userIndexKey(session.userId), [session.tokenHash]),
    ])
  }

  /** Revokes every session of the user, except the one given (the caller's own, on a password change). */
  async revokeUser(userId: number, except?: Session): Promise<void> {
    const hashes = (await this.kv.setMembers(userIndexKey(userId))).filter((h) => h !== except?.tokenHash)
    if (hashes.length === 0) return
    await this.kv.delete(hashes.map(sessionKey))
    await this.kv.removeFromSet(userIndexKey(userId), hashes)
  }
}
