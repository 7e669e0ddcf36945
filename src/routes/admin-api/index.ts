/**
 * The admin API family ("userve"): cookie sessions, CSRF guard, sign-in, the user routes,
 * and the error format `{error_msg, code, details?}` of the client API, all on its own routes only.
 * Served when `admin` is given.
 */
import { Router } from 'express'
import { randomBytes } from 'node:crypto'
import { cors } from '../../http/cors.js'
import { jsonBody } from '../../http/body-parsers.js'
import { minAppErrorBody, renderErrors } from '../../http/render-error.js'
import { documented, type RouteCatalog } from '../../openapi/catalog.js'
import type session from 'express-session'
import type { ServiceDeps } from '../../services/deps.js'
import { mountAccountRoutes } from './account-routes.js'
import { mountAuthRoutes } from './auth-routes.js'
import { ADMIN_API_SCHEMAS } from './docs.js'
import { requireAdmin } from './require-admin.js'
import { refuseCrossSiteRequests } from './same-origin.js'
import { adminSession } from './session.js'
import { mountUserRoutes } from './user-routes.js'

/** The cookie signing secrets: configured, or (outside production only) random for this router. */
function sessionSecrets(deps: ServiceDeps): string[] {
  const { sessionSecret, logger } = deps.config
  if (sessionSecret) return sessionSecret
  if (deps.config.production) {
    throw new TypeError('createUserRouter: options.sessionSecret is required in production when options.admin is given: pass at least 32 random characters')
  }
  logger.warn('express-user-router: no options.sessionSecret given: admin sessions are signed with a random secret and end when this process does.')
  return [randomBytes(32).toString('base64url')]
}

export function createAdminApi(deps: ServiceDeps, sessionStore: session.Store, catalog: RouteCatalog): Router {
  const admin = deps.config.admin!
  const router = Router()
  // Its own CORS, with credentials, for its trusted origins only: the client API's CORS never applies here.
  const corsConfig = admin.trustedOrigins.length > 0 ? { origins: admin.trustedOrigins, maxAgeSeconds: 600, credentials: true } : undefined
  const around = [
    ...(corsConfig ? [cors(corsConfig)] : []),
    refuseCrossSiteRequests(admin.trustedOrigins),
    jsonBody(),
    adminSession({ store: sessionStore, admin, secrets: sessionSecrets(deps) }),
  ]
  catalog.addSchemas(ADMIN_API_SCHEMAS)
  catalog.adminCookieName = admin.cookieName
  const api = documented(router, catalog, {
    trailingSlash: true,
    before: () => around,
    errors: renderErrors(deps.config.logger, minAppErrorBody),
    ...(corsConfig ? { cors: corsConfig } : {}),
  })
  const context = { deps, requireAdmin: requireAdmin(deps), api }
  mountAuthRoutes(context)
  mountUserRoutes(context)
  mountAccountRoutes(context)
  return router
}
