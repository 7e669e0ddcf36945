/**
 * Who may use the admin API: sign-in with a password (throttled like the client login), and the
 * check of a signed-in admin on every request. `admin.authorize` is asked both times, so taking
 * the right away takes effect at the next request.
 */
import { createHash } from 'node:crypto'
import { UserRouterError } from '../errors.js'
import type { StoredUser } from '../model/user.js'
import type { AdminCandidate } from '../options.js'
import { authenticate, credentialAttempt, type Credential } from './accounts.js'
import { endAdminGrant, isAdminGrantLive, startAdminGrant } from './admin-grants.js'
import type { RequestMeta, AdminServiceDeps } from './deps.js'
import { grantUnlessSuspended, refuseSuspended } from './sign-in-guard.js'

/** What an admin cookie session remembers: the user and a stamp of the password it signed in with. */
export interface AdminSessionData {
  userId: number
  /** Unix seconds. The session ends `admin.sessionTtlSeconds` later, however busy it is. */
  signedInAt: number
  /** Digest of the password hash: a changed password ends every admin session of the user. */
  passwordStamp: string
  /** The session's grant (see `admin-grants.ts`): suspending the user ends it. */
  grant: string
}

/** Unkeyed, so every process agrees on it; the hash it digests is salted scrypt output, and 128 bits of its SHA-256 reveal nothing usable. */
function passwordStamp(user: StoredUser): string {
  return createHash('sha256')
    .update(`admin-session\n${user.passwordHash ?? ''}`)
    .digest('base64url')
    .slice(0, 22)
}

async function isAdmin(deps: AdminServiceDeps, user: StoredUser): Promise<boolean> {
  const { passwordHash: _hidden, ...candidate } = user
  // The app's code sees a copy: nothing it does can change the stored user.
  return (await deps.admin.authorize(structuredClone(candidate) as AdminCandidate)) === true
}

/**
 * Signs an operator in: null for a wrong identifier or password (400), `account_suspended` (403)
 * for a right password of a suspended user, `not_admin` (403) for one `authorize` refuses;
 * otherwise what the cookie session keeps.
 */
export async function signInAdmin(deps: AdminServiceDeps, credential: Credential, meta: RequestMeta): Promise<{ user: StoredUser; session: AdminSessionData } | null> {
  const user = await authenticate(deps, credentialAttempt(deps, credential), meta)
  if (!user) return null
  refuseSuspended(user)
  if (!(await isAdmin(deps, user))) {
    deps.emit({ type: 'login_failed', userId: user.id, method: `admin:${credential.kind}`, ip: meta.ip })
    throw new UserRouterError('not_admin')
  }
  const grant = await grantUnlessSuspended(deps, user, { issue: () => startAdminGrant(deps, user.id), revoke: (id) => endAdminGrant(deps, id, user.id) })
  deps.emit({ type: 'login', userId: user.id, method: `admin:${credential.kind}`, ip: meta.ip })
  return { user, session: { userId: user.id, signedInAt: deps.now(), passwordStamp: passwordStamp(user), grant } }
}

const sessionEnded = () => new UserRouterError('unauthenticated', { message: 'The admin session has ended; sign in again.' })

/**
 * The admin of a cookie session: `unauthenticated` when the session is past its lifetime (the
 * store's TTL slides with each request; this does not), the user is gone, its password changed
 * since sign-in or its grant ended (a suspension); `account_suspended` while the user is suspended
 * (in all these cases the caller ends the session); `not_admin` when `authorize` refuses it now.
 */
export async function currentAdmin(deps: AdminServiceDeps, session: AdminSessionData): Promise<StoredUser> {
  const expired = !(deps.now() - session.signedInAt < deps.admin.sessionTtlSeconds)
  const [user, granted] = expired
    ? [null, false]
    : await Promise.all([deps.store.getUserById(session.userId), typeof session.grant === 'string' && isAdminGrantLive(deps, session.grant, session.userId)])
  if (!user || passwordStamp(user) !== session.passwordStamp) throw sessionEnded()
  refuseSuspended(user)
  if (!granted) throw sessionEnded()
  if (!(await isAdmin(deps, user))) throw new UserRouterError('not_admin')
  return user
}

export function signOutAdmin(deps: AdminServiceDeps, session: AdminSessionData | undefined, meta: RequestMeta): void {
  if (session) deps.emit({ type: 'logout', userId: session.userId, method: 'admin', ip: meta.ip })
}
