/**
 * Token sessions. A token is 256 random bits (base64url, 43 characters) handed to the client once;
 * the key-value store keeps only its SHA-256, with the session data and a TTL. Checking a token is
 * one SHA-256 on the event loop (microseconds) and one read; a write joins it at most once a minute
 * per session, to keep its last use.
 *
 * A per-user index lists what grants access as the user: client API sessions and the OAuth
 * refresh-token families of `oauth-tokens.ts` (a family keeps its own access tokens). Each member
 * carries its key's creation and expiry (`<createdAt> <expiresAt> <key>`), so expired members leave
 * the index and the oldest end past `maxPerUser` without reading any key: the index stays at most
 * `maxPerUser` live members, and every sign-in does work bounded by it.
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
  /** Unix seconds of the last request with the token, to the minute (client API sessions). */
  lastUsedAt?: number
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

/** One member of a user's index. */
export interface IndexEntry {
  /** `session:<hash>` or `oauth-family:<id>`. */
  key: string
  /** Unix seconds; 0 for a member stored before it was kept. */
  createdAt: number
  /** Unix seconds; Infinity for a member stored before it was kept. */
  expiresAt: number
  /** The member as the set holds it. */
  member: string
}

/** The shape of every opaque secret handed out here and in `oauth-tokens.ts`: 256 bits, base64url. */
export const OPAQUE_TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/

/** A session's last use is written when it is at least this old (seconds): reads stay read-only in between. */
export const LAST_USE_PRECISION_SECONDS = 60

/** 256 random bits as 43 base64url characters. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

const SESSION_PREFIX = 'session:'
const FAMILY_PREFIX = 'oauth-family:'
/** The key of the session of a token hash. */
export const sessionKey = (tokenHash: string) => `${SESSION_PREFIX}${tokenHash}`
/** The keys of an OAuth token family (see `oauth-tokens.ts`), which a session may belong to. */
export const familyKey = (familyId: string) => `${FAMILY_PREFIX}${familyId}`
export const familyRefreshKey = (familyId: string) => `oauth-refresh:${familyId}`
export const familyTokensKey = (familyId: string) => `oauth-family-tokens:${familyId}`
/** Unix seconds of the family's last refresh. */
export const familyUseKey = (familyId: string) => `oauth-family-used:${familyId}`
const userIndexKey = (userId: number) => `user-sessions:${userId}`

/** The family id of an index key, or null for a session key. */
export function familyIdOf(key: string): string | null {
  return key.startsWith(FAMILY_PREFIX) ? key.slice(FAMILY_PREFIX.length) : null
}

const indexMember = (createdAt: number, expiresAt: number, key: string) => `${createdAt} ${expiresAt} ${key}`

function parseMember(member: string): IndexEntry {
  const match = /^(\d+) (\d+) (.+)$/.exec(member)
  // A bare key: listed before members carried their times. It leaves with the set's own TTL, or when found gone.
  if (!match) return { key: member, createdAt: 0, expiresAt: Number.POSITIVE_INFINITY, member }
  return { key: match[3]!, createdAt: Number(match[1]), expiresAt: Number(match[2]), member }
}

/** Newest first. */
const newestFirst = (a: IndexEntry, b: IndexEntry) => b.createdAt - a.createdAt

export interface SessionServiceOptions {
  /** Seconds a client API token lives. */
  ttlSeconds: number
  /** Live sessions and families a user keeps; past it the oldest end. */
  maxPerUser: number
  /** The router's clock, Unix seconds. */
  now: () => number
}

export class SessionService {
  private readonly ttlSeconds: number
  private readonly maxPerUser: number
  private readonly now: () => number

  constructor(
    private readonly kv: KeyValueStore,
    options: SessionServiceOptions,
  ) {
    this.ttlSeconds = options.ttlSeconds
    this.maxPerUser = options.maxPerUser
    this.now = options.now
  }

  /**
   * A new token; `ttlSeconds` overrides the client API's lifetime (OAuth access tokens). A client
   * API session joins the user's index; an access token (with `family`) is kept by its family.
   */
  async issue(data: SessionData, ttlSeconds = this.ttlSeconds): Promise<IssuedToken & { tokenHash: string }> {
    const token = newOpaqueToken()
    const tokenHash = hashToken(token)
    const key = sessionKey(tokenHash)
    const stored: SessionData = { ...data, expiresAt: this.now() + ttlSeconds, lastUsedAt: data.createdAt }
    await this.kv.set(key, JSON.stringify(stored), ttlSeconds)
    if (data.family === undefined) await this.track(data.userId, key, data.createdAt, stored.expiresAt!)
    return { token, expiresIn: ttlSeconds, tokenHash }
  }

  /** The live session of a token, or null (malformed, unknown, expired or revoked). Keeps its last use. */
  async verify(token: string): Promise<Session | null> {
    if (!OPAQUE_TOKEN_FORMAT.test(token)) return null
    const tokenHash = hashToken(token)
    const stored = await this.kv.get(sessionKey(tokenHash))
    if (stored === null) return null
    const data = JSON.parse(stored) as SessionData
    const now = this.now()
    if (data.expiresAt !== undefined && data.expiresAt <= now) return null
    const session: Session = { ...data, tokenHash }
    if (!this.lastUseDue(data, now)) return session
    return this.touch(session, now)
  }

  /** Whether a request now writes the session's last use: client API sessions, once a minute. */
  private lastUseDue(data: SessionData, now: number): boolean {
    if (data.family !== undefined || data.expiresAt === undefined) return false
    return now - (data.lastUsedAt ?? data.createdAt) >= LAST_USE_PRECISION_SECONDS
  }

  /**
   * Writes the session back with its last use. Ending a session takes it out of the index before
   * deleting its key, so a session missing from the index after the write was ended meanwhile: the
   * write must not bring it back.
   */
  private async touch(session: Session, now: number): Promise<Session | null> {
    const { tokenHash, ...data } = session
    const key = sessionKey(tokenHash)
    const updated: SessionData = { ...data, lastUsedAt: now }
    await this.kv.set(key, JSON.stringify(updated), Math.max(1, data.expiresAt! - now))
    if (!(await this.indexEntries(data.userId)).some((entry) => entry.key === key)) {
      await this.kv.delete([key])
      return null
    }
    return { ...updated, tokenHash }
  }

  /** Ends the session of a token: the client API session, or one access token of a family. */
  async revoke(session: Session): Promise<void> {
    const key = sessionKey(session.tokenHash)
    if (session.family === undefined) await this.forget(session.userId, [key])
    await this.kv.delete([key])
  }

  /** Lists a new family of `oauth-tokens.ts` in the user's index (then bounded like a sign-in). */
  async trackFamily(userId: number, familyId: string, createdAt: number, expiresAt: number): Promise<void> {
    await this.track(userId, familyKey(familyId), createdAt, expiresAt)
  }

  /**
   * Ends a family: its refresh token and every access token issued from it. The family key goes
   * first, so a refresh running meanwhile either sees it gone or has its access token listed.
   */
  async endFamily(userId: number, familyId: string): Promise<void> {
    await this.forget(userId, [familyKey(familyId)])
    await this.deleteFamily(familyId)
  }

  /** The user's live index members (expired ones leave the index here), newest first. */
  async entries(userId: number): Promise<IndexEntry[]> {
    const all = await this.indexEntries(userId)
    const now = this.now()
    await this.dropEntries(
      userId,
      all.filter((entry) => entry.expiresAt <= now),
    )
    return all.filter((entry) => entry.expiresAt > now).sort(newestFirst)
  }

  /** Ends what the entries grant: out of the index first, then the keys (see `touch`). */
  async end(userId: number, entries: readonly IndexEntry[]): Promise<void> {
    if (entries.length === 0) return
    await this.dropEntries(userId, entries)
    const families = entries.map((entry) => familyIdOf(entry.key)).filter((id) => id !== null)
    const sessions = entries.filter((entry) => familyIdOf(entry.key) === null).map((entry) => entry.key)
    await Promise.all([sessions.length > 0 ? this.kv.delete(sessions) : undefined, ...families.map((id) => this.deleteFamily(id))])
  }

  /** Takes index members out of the index (their keys expired, or were ended elsewhere). */
  async dropEntries(userId: number, entries: readonly IndexEntry[]): Promise<void> {
    if (entries.length > 0)
      await this.kv.removeFromSet(
        userIndexKey(userId),
        entries.map((entry) => entry.member),
      )
  }

  /**
   * Revokes every session and refresh-token family of the user, except the session given (the
   * caller's own, on a password change) and the family it belongs to.
   */
  async revokeUser(userId: number, except?: Session): Promise<void> {
    const kept = new Set(except ? [sessionKey(except.tokenHash), ...(except.family ? [familyKey(except.family)] : [])] : [])
    await this.end(
      userId,
      (await this.indexEntries(userId)).filter((entry) => !kept.has(entry.key)),
    )
  }

  /** Adds a member to the index, drops the expired ones and ends the oldest past `maxPerUser`. */
  private async track(userId: number, key: string, createdAt: number, expiresAt: number): Promise<void> {
    await this.kv.addToSet(userIndexKey(userId), indexMember(createdAt, expiresAt, key), Math.max(1, expiresAt - this.now()))
    // The new member never ends here, even when others share its second.
    const others = (await this.entries(userId)).filter((entry) => entry.key !== key)
    await this.end(userId, others.slice(this.maxPerUser - 1))
  }

  /** Takes the keys' members out of the index, whatever their times. */
  private async forget(userId: number, keys: readonly string[]): Promise<void> {
    const gone = new Set(keys)
    await this.dropEntries(
      userId,
      (await this.indexEntries(userId)).filter((entry) => gone.has(entry.key)),
    )
  }

  /** Every member of the user's index, expired ones included. */
  private async indexEntries(userId: number): Promise<IndexEntry[]> {
    return (await this.kv.setMembers(userIndexKey(userId))).map(parseMember)
  }

  private async deleteFamily(familyId: string): Promise<void> {
    await this.kv.delete([familyKey(familyId), familyRefreshKey(familyId), familyUseKey(familyId)])
    const accessKeys = await this.kv.setMembers(familyTokensKey(familyId))
    await this.kv.delete([...accessKeys, familyTokensKey(familyId)])
  }
}
