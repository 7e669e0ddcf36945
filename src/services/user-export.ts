/**
 * Everything the router stores about a user, for the user to take away: the user (identifiers with
 * their verified flags, profile, identities) and the signed-in sessions. The password hash and
 * every token or token hash stay out: a session is its public summary.
 */
import { UserRouterError } from '../errors.js'
import type { StoredUser } from '../model/user.js'
import type { ServiceDeps } from './deps.js'
import type { Session } from './sessions.js'
import { listSessions, type SessionSummary } from './user-sessions.js'

export interface UserExport {
  user: StoredUser
  sessions: SessionSummary[]
  /** Unix seconds. */
  exportedAt: number
}

/** The export of the signed-in user of `session`. */
export async function exportUser(deps: ServiceDeps, session: Session): Promise<UserExport> {
  const [user, sessions] = await Promise.all([deps.store.getUserById(session.userId), listSessions(deps, session.userId, session)])
  if (!user) throw new UserRouterError('user_not_found')
  return { user, sessions, exportedAt: deps.now() }
}
