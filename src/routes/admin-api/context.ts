/** What every admin API (`/userve`) route module receives. */
import type { Response } from 'express'
import type session from 'express-session'
import type { StoredUser } from '../../model/user.js'
import type { AdminConfig, Logger } from '../../options.js'
import type { AdminServiceDeps } from '../../services/deps.js'
import type { FamilyContext } from '../family.js'

/** The admin API's part of the options; the family is mounted only when `admin` is given. */
export interface AdminApiSettings {
  readonly admin: AdminConfig
  /** The `sessionSecret` option: cookie signing secrets, the first signing; undefined when not given. */
  readonly sessionSecrets: string[] | undefined
  /** Where admin sessions are kept (see `adminSessionStore`). */
  readonly sessionStore: session.Store
  readonly production: boolean
  readonly logger: Logger
}

/** `requireAuth`: 401 without an admin session, 403 for a user `admin.authorize` refuses; then `adminOf(res)` is the admin. */
export type AdminApiContext = FamilyContext<AdminApiSettings, AdminServiceDeps>

/** The signed-in admin of a request (after `requireAuth`). */
export function adminOf(res: Response): StoredUser {
  return res.locals.admin as StoredUser
}
