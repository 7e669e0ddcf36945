/**
 * The client API family ("hserve", seeds 000-002): client-id check, routes, and its error format
 * `{error_msg, code, details?}`.
 */
import { Router } from 'express'
import { jsonBody } from '../../http/body-parsers.js'
import { UserRouterError } from '../../errors.js'
import { requireSession } from '../../http/auth.js'
import { CLIENT_ID_HEADER } from '../../http/request-meta.js'
import { minAppErrorBody, renderErrors } from '../../http/render-error.js'
import { documented, type RouteCatalog } from '../../openapi/catalog.js'
import type { ServiceDeps } from '../../services/deps.js'
import { mountAccountRoutes } from './account-routes.js'
import { mountAuthRoutes } from './auth-routes.js'
import { mountEmailRoutes } from './email-routes.js'
import { mountSmsRoutes } from './sms-routes.js'
import { mountUserRoutes } from './user-routes.js'
import { clientApiSchemas } from './wire-schemas.js'


/** Link targets opened from an e-mail, in a browser that sends no client id. */
export const CLIENT_ID_EXEMPT = new Set(['/hserve/v2.0/user/email-verify/confirm', '/hserve/v2.0/user/password/reset/confirm'])

export function createClientApi(deps: ServiceDeps, catalog: RouteCatalog): Router {
  const router = Router()
  router.use('/hserve', (req, _res, next) => {
    if (CLIENT_ID_EXEMPT.has(`/hserve${req.path.replace(/\/$/, '')}`)) return next()
    const clientId = req.get(CLIENT_ID_HEADER)
    next(clientId && deps.config.clients.has(clientId) ? undefined : new UserRouterError('invalid_client'))
  })
  // Only this family's paths are parsed, so the app's own routes keep their own body handling.
  router.use('/hserve', jsonBody())
  catalog.addSchemas(clientApiSchemas(deps.schema))
  const context = { deps, requireSession: requireSession(deps.sessions), api: documented(router, catalog, { trailingSlash: true }) }
  mountAuthRoutes(context)
  mountUserRoutes(context)
  mountAccountRoutes(context)
  mountSmsRoutes(context)
  mountEmailRoutes(context)
  router.use('/hserve', renderErrors(deps.config.logger, minAppErrorBody))
  return router
}
