/**
 * A user's signed-in sessions, as the user and operators see them: client API sign-ins (`token`)
 * and phone API OAuth token families (`oauth`). Each has a public id, a digest of its key: never the
 * token, its hash, or the family id a refresh token carries. A family's last use is its last
 * refresh (its access tokens live at most `oauth.accessTokenTtlSeconds` past it).
 */
import { createHash } from 'node:crypto'
import { UserRouterError } from '../errors.js'
import type { ServiceDeps } from './deps.js'
import { familyLastUse, readFamily } from './oauth-tokens.js'
import { familyIdOf, type IndexEntry, type Session, type SessionData, sessionKey } from './sessions.js'

export interface SessionSummary {
  id: string
  kind: 'token' | 'oauth'
  clientId: string
  /** Unix seconds. */
  createdAt: number
  /** Unix seconds. */
  lastUsedAt: number
  ip: string
  userAgent: string
  /** Whether it is the session of the request's own token (or the family of its access token). */
  current: boolean
}

/** Who ends a session (the user, or an operator) and from where, for the `session_ended` event. */
export interface SessionEnder {
  method: 'self' | 'admin'
  ip: string
}

/** An entry whose key is gone (ended elsewhere), or one not listed on its own (an access token). */
type Unlisted = 'gone' | 'unlisted'

function publicIdOf(key: string): string {
  return createHash('sha256').update(`user-session ${key}`).digest('base64url').slice(0, 22)
}

function isCurrent(entry: IndexEntry, current: Session | null): boolean {
  if (!current) return false
  const familyId = familyIdOf(entry.key)
  return familyId === null ? entry.key === sessionKey(current.tokenHash) : current.family === familyId
}

async function summarize(deps: ServiceDeps, entry: IndexEntry, current: Session | null): Promise<SessionSummary | Unlisted> {
  const familyId = familyIdOf(entry.key)
  const base = { id: publicIdOf(entry.key), current: isCurrent(entry, current) }
  if (familyId === null) {
    const stored = await deps.kv.get(entry.key)
    if (stored === null) return 'gone'
    const data = JSON.parse(stored) as SessionData
    // An access token listed before families kept their own: its family is listed instead.
    if (data.family !== undefined) return 'unlisted'
    const { clientId, createdAt, ip, userAgent } = data
    return { ...base, kind: 'token', clientId, createdAt, lastUsedAt: data.lastUsedAt ?? createdAt, ip, userAgent }
  }
  const [family, lastUse] = await Promise.all([readFamily(deps, familyId), familyLastUse(deps, familyId)])
  if (family === null) return 'gone'
  const createdAt = family.createdAt ?? entry.createdAt
  return { ...base, kind: 'oauth', clientId: family.clientId, createdAt, lastUsedAt: lastUse ?? createdAt, ip: family.ip ?? '', userAgent: family.userAgent ?? '' }
}

/** The live entries with what they hold; entries whose keys are gone leave the index. */
async function liveSessions(deps: ServiceDeps, userId: number, current: Session | null): Promise<{ entry: IndexEntry; summary: SessionSummary }[]> {
  const entries = await deps.sessions.entries(userId)
  const summaries = await Promise.all(entries.map((entry) => summarize(deps, entry, current)))
  await deps.sessions.dropEntries(
    userId,
    entries.filter((_, i) => summaries[i] === 'gone'),
  )
  return entries.flatMap((entry, i) => {
    const summary = summaries[i]!
    return typeof summary === 'string' ? [] : [{ entry, summary }]
  })
}

/** The user's sessions, newest first; `current` marks the caller's own. */
export async function listSessions(deps: ServiceDeps, userId: number, current: Session | null): Promise<SessionSummary[]> {
  return (await liveSessions(deps, userId, current)).map(({ summary }) => summary).sort((a, b) => b.createdAt - a.createdAt)
}

/** Ends one of the user's sessions by its public id; `session_not_found` for an id the user has no live session of. */
export async function endSession(deps: ServiceDeps, userId: number, publicId: string, ender: SessionEnder): Promise<void> {
  const found = (await liveSessions(deps, userId, null)).find(({ summary }) => summary.id === publicId)
  if (!found) throw new UserRouterError('session_not_found')
  await deps.sessions.end(userId, [found.entry])
  deps.emit({ type: 'session_ended', userId, method: ender.method, clientId: found.summary.clientId, ip: ender.ip })
}

/** Ends every session of the user but the caller's own (and, for an OAuth access token, its family). */
export async function endOtherSessions(deps: ServiceDeps, session: Session): Promise<void> {
  await deps.sessions.revokeUser(session.userId, session)
}
