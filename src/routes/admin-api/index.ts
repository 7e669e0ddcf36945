/**
 * The admin API family (`/userve`): cookie sessions, CSRF guard, sign-in, the user routes,
 * and the MinApp error format `{error_msg, code, details?}`, all on its own routes only.
 * Served when `admin` is given.
 */
import { Router } from 'express'
import { randomBytes } from 'node:crypto'
import { cors } from '../../http/cors.js'
import { jsonBody } from '../../http/body-parsers.js'
import { renderErrors } from '../../http/render-error.js'
import { documented } from '../../openapi/catalog.js'
import type { AdminServiceDeps } from '../../services/deps.js'
import type { FamilyInput } from '../family.js'
import { minAppErrorBody } from '../minapp/wire.js'
import { mountAccountDeletionRoute, mountAccountRoutes } from './account-routes.js'
import { mountAuthRoutes } from './auth-routes.js'
import type { AdminApiContext, AdminApiSettings } from './context.js'
import { requireAdmin } from './require-admin.js'
import { refuseCrossSiteRequests } from './same-origin.js'
import { adminApiSchemas } from './schemas.js'
import { adminSession } from './session.js'
import { mountSessionRoutes } from './session-routes.js'
import { mountUserRoutes } from './user-routes.js'

/** The cookie signing secrets: configured, or (outside production only) random for this router. */
function sessionSecrets({ sessionSecrets, production, logger }: AdminApiSettings): string[] {
  if (sessionSecrets) return sessionSecrets
  if (production) {
    throw new TypeError('createUserRouter: options.sessionSecret is required in production when options.admin is given: pass at least 32 random characters')
  }
  logger.warn('express-user-router: no options.sessionSecret given: admin sessions are signed with a random secret and end when this process does.')
  return [randomBytes(32).toString('base64url')]
}

export function createAdminApi({ deps, catalog, settings }: FamilyInput<AdminApiSettings, AdminServiceDeps>): Router {
  const { admin } = settings
  const router = Router()
  // Its own CORS, with credentials, for its trusted origins only: the client API's CORS never applies here.
  const corsConfig = admin.trustedOrigins.length > 0 ? { origins: admin.trustedOrigins, maxAgeSeconds: 600, credentials: true } : undefined
  const around = [
    ...(corsConfig ? [cors(corsConfig)] : []),
    refuseCrossSiteRequests(admin.trustedOrigins),
    jsonBody(),
    adminSession({ store: settings.sessionStore, admin, secrets: sessionSecrets(settings) }),
  ]
  catalog.addSchemas(adminApiSchemas(deps.schema))
  catalog.adminCookieName = admin.cookieName
  const api = documented(router, catalog, {
    trailingSlash: true,
    before: () => around,
    errors: renderErrors(settings.logger, minAppErrorBody),
    ...(corsConfig ? { cors: corsConfig } : {}),
  })
  const context: AdminApiContext = { deps, api, requireAuth: requireAdmin(deps), settings }
  mountAuthRoutes(context)
  mountUserRoutes(context)
  mountAccountRoutes(context)
  mountSessionRoutes(context)
  mountAccountDeletionRoute(context)
  return router
}
