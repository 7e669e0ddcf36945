/**
 * The phone API family: `/api/v1/users/...` with its `{"result": ...}` envelope, and the
 * OAuth 2.0 endpoints under `/oauth` with RFC 6749 errors. Served when the `oauth` option is given.
 * Its bearer tokens are the client API's sessions: a token of either family works on both.
 */
import { type RequestHandler, Router } from 'express'
import { cors } from '../../http/cors.js'
import { formBody, jsonBody } from '../../http/body-parsers.js'
import { requireSession } from '../../http/auth.js'
import { renderErrors } from '../../http/render-error.js'
import { documented, type RouteCatalog } from '../../openapi/catalog.js'
import type { ServiceDeps } from '../../services/deps.js'
import { mountOAuthRoutes } from './oauth-routes.js'
import { mountPhoneUserRoutes } from './user-routes.js'
import { oauthError, PHONE_API_SCHEMAS, phoneApiFailure } from './wire.js'

export function createPhoneApi(deps: ServiceDeps, catalog: RouteCatalog): Router {
  const router = Router()
  const { logger, cors: corsConfig } = deps.config
  catalog.addSchemas(PHONE_API_SCHEMAS)
  const corsHeaders = corsConfig ? [cors(corsConfig)] : []
  const corsOption = corsConfig ? { cors: corsConfig } : {}

  const users = [...corsHeaders, jsonBody()]
  const phoneApi = documented(router, catalog, {
    trailingSlash: false,
    before: () => users,
    errors: renderErrors(logger, phoneApiFailure, (res, error) => {
      if (error.kind === 'unauthenticated') res.set('WWW-Authenticate', 'Bearer')
    }),
    ...corsOption,
  })
  mountPhoneUserRoutes(phoneApi, deps, requireSession(deps.sessions))

  const oauth: RequestHandler[] = [
    ...corsHeaders,
    // Every answer of the OAuth endpoints, errors included, is not to be cached (RFC 6749 section 5.1).
    (_req, res, next) => {
      res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' })
      next()
    },
    // RFC 6749 section 4.3.2 asks for form encoding; JSON is accepted too.
    formBody(),
    jsonBody(),
  ]
  const oauthApi = documented(router, catalog, {
    trailingSlash: false,
    before: () => oauth,
    errors: renderErrors(logger, oauthError, (res, error) => {
      // A 401 names its scheme: HTTP Basic is how clients authenticate here.
      if (error.code === 'invalid_client') res.set('WWW-Authenticate', 'Basic realm="oauth"')
    }),
    ...corsOption,
  })
  mountOAuthRoutes(oauthApi, deps)
  return router
}
