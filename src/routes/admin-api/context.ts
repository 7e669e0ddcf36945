/** What every admin API route module receives. */
import type { RequestHandler, Response } from 'express'
import type { DocumentedRouter } from '../../openapi/catalog.js'
import type { StoredUser } from '../../model/user.js'
import type { ServiceDeps } from '../../services/deps.js'

export interface AdminApiContext {
  readonly deps: ServiceDeps
  /** 401 without an admin session, 403 for a user `admin.authorize` refuses; then `adminOf(res)` is the admin. */
  readonly requireAdmin: RequestHandler
  /** Mounts a route with its OpenAPI description. */
  readonly api: DocumentedRouter
}

/** The signed-in admin of a request (after `requireAdmin`). */
export function adminOf(res: Response): StoredUser {
  return res.locals.admin as StoredUser
}
