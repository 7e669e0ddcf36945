/**
 * The client API family ("hserve"): CORS, client-id check, routes, and its error
 * format `{error_msg, code, details?}`, all on its own routes only.
 */
import { type RequestHandler, Router } from 'express'
import { cors } from '../../http/cors.js'
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

/**
 * Refuses a request without an accepted `X-Hydrogen-Client-ID`. Every route needs one but the link
 * targets opened from an e-mail, in a browser that sends none (their description says
 * `clientId: false`).
 */
function requireClientId(deps: ServiceDeps): RequestHandler {
  return (req, _res, next) => {
    const clientId = req.get(CLIENT_ID_HEADER)
    next(clientId && deps.config.clients.has(clientId) ? undefined : new UserRouterError('invalid_client'))
  }
}

export function createClientApi(deps: ServiceDeps, catalog: RouteCatalog): Router {
  const router = Router()
  const { cors: corsConfig, logger } = deps.config
  const corsHeaders = corsConfig ? [cors(corsConfig)] : []
  const clientId = requireClientId(deps)
  const body = jsonBody()
  catalog.addSchemas(clientApiSchemas(deps.schema))
  const api = documented(router, catalog, {
    trailingSlash: true,
    before: (doc) => [...corsHeaders, ...(doc.clientId === false ? [] : [clientId]), body],
    errors: renderErrors(logger, minAppErrorBody),
    ...(corsConfig ? { cors: corsConfig } : {}),
  })
  const context = { deps, requireSession: requireSession(deps.sessions), api }
  mountAuthRoutes(context)
  mountUserRoutes(context)
  mountAccountRoutes(context)
  mountSmsRoutes(context)
  mountEmailRoutes(context)
  return router
}
