/**
 * The MinApp client API family (`/hserve`): CORS, client-id check, routes, and its error
 * format `{error_msg, code, details?}`, all on its own routes only.
 */
import { type RequestHandler, Router } from 'express'
import { cors } from '../../http/cors.js'
import { jsonBody } from '../../http/body-parsers.js'
import { UserRouterError } from '../../errors.js'
import { requireSession } from '../../http/auth.js'
import { CLIENT_ID_HEADER } from '../../http/request-meta.js'
import { renderErrors } from '../../http/render-error.js'
import { documented } from '../../openapi/catalog.js'
import type { FamilyInput } from '../family.js'
import { minAppErrorBody } from '../minapp/wire.js'
import { mountAccountDeletionRoutes } from './account-deletion-routes.js'
import { mountAccountRoutes } from './account-routes.js'
import { mountAuthRoutes } from './auth-routes.js'
import type { ClientApiContext, ClientApiSettings } from './context.js'
import { mountEmailRoutes } from './email-routes.js'
import { mountIdentityRoutes } from './identity-routes.js'
import { clientApiSchemas } from './schemas.js'
import { mountSmsRoutes } from './sms-routes.js'
import { mountSessionRoutes } from './session-routes.js'
import { mountUserRoutes } from './user-routes.js'
import { mountWechatMiniProgramRoutes } from './wechat-miniprogram-routes.js'

/**
 * Refuses a request without an accepted `X-Hydrogen-Client-ID`. Every route needs one but the
 * browser targets (the links opened from an e-mail, the providers' callback), in a browser that
 * sends none (their description says `clientId: false`).
 */
function requireClientId(clients: ReadonlySet<string>): RequestHandler {
  return (req, _res, next) => {
    const clientId = req.get(CLIENT_ID_HEADER)
    next(clientId && clients.has(clientId) ? undefined : new UserRouterError('invalid_client'))
  }
}

export function createClientApi({ deps, catalog, settings }: FamilyInput<ClientApiSettings>): Router {
  const router = Router()
  const corsHeaders = settings.cors ? [cors(settings.cors)] : []
  const clientId = requireClientId(settings.clients)
  const body = jsonBody()
  catalog.addSchemas(clientApiSchemas(deps.schema))
  const api = documented(router, catalog, {
    trailingSlash: true,
    before: (doc) => [...corsHeaders, ...(doc.clientId === false ? [] : [clientId]), body],
    errors: renderErrors(settings.logger, minAppErrorBody),
    ...(settings.cors ? { cors: settings.cors } : {}),
  })
  const context: ClientApiContext = { deps, api, requireAuth: requireSession(deps.sessions), settings }
  mountAuthRoutes(context)
  mountUserRoutes(context)
  mountAccountRoutes(context)
  mountSessionRoutes(context)
  mountAccountDeletionRoutes(context)
  mountSmsRoutes(context)
  mountEmailRoutes(context)
  mountWechatMiniProgramRoutes(context)
  // Last: its `/idp/:provider/...` paths must not shadow literal `/idp/<name>/...` routes (the mini program's).
  mountIdentityRoutes(context)
  return router
}
