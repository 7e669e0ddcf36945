/**
 * The client API family ("hserve", seeds 000-002): client-id check, routes, and its error format
 * `{error_msg, code, details?}`.
 */
import { Router } from 'express'
import { UserRouterError } from '../../errors.js'
import { requireSession } from '../../http/auth.js'
import { renderMinAppError } from '../../http/errors.js'
import { jsonBody } from '../../http/json-body.js'
import { CLIENT_ID_HEADER } from '../../http/request-meta.js'
import type { ServiceDeps } from '../../services/deps.js'
import { mountAccountRoutes } from './account-routes.js'
import { mountAuthRoutes } from './auth-routes.js'
import { mountEmailRoutes } from './email-routes.js'
import { mountSmsRoutes } from './sms-routes.js'
import { mountUserRoutes } from './user-routes.js'

/** Link targets opened from an e-mail, in a browser that sends no client id. */
export const CLIENT_ID_EXEMPT = new Set(['/hserve/v2.0/user/email-verify/confirm', '/hserve/v2.0/user/password/reset/confirm'])

export function createClientApi(deps: ServiceDeps): Router {
  const router = Router()
  router.use('/hserve', (req, _res, next) => {
    if (CLIENT_ID_EXEMPT.has(`/hserve${req.path.replace(/\/$/, '')}`)) return next()
    const clientId = req.get(CLIENT_ID_HEADER)
    next(clientId && deps.config.clients.has(clientId) ? undefined : new UserRouterError('invalid_client'))
  })
  // Only this family's paths are parsed, so the app's own routes keep their own body handling.
  router.use('/hserve', jsonBody())
  const context = { deps, requireSession: requireSession(deps.sessions) }
  mountAuthRoutes(router, context)
  mountUserRoutes(router, context)
  mountAccountRoutes(router, context)
  mountSmsRoutes(router, context)
  mountEmailRoutes(router, context)
  router.use('/hserve', renderMinAppError(deps.config.logger))
  return router
}
