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
import { documented } from '../../openapi/catalog.js'
import type { OAuthServiceDeps } from '../../services/deps.js'
import type { FamilyInput } from '../family.js'
import type { PhoneApiContext, PhoneApiSettings } from './context.js'
import { mountOAuthRoutes } from './oauth-routes.js'
import { PHONE_API_SCHEMAS } from './schemas.js'
import { mountUserRoutes } from './user-routes.js'
import { oauthError, phoneApiFailure } from './wire.js'

export function createPhoneApi({ deps, catalog, settings }: FamilyInput<PhoneApiSettings, OAuthServiceDeps>): Router {
  const router = Router()
  const { logger, cors: corsConfig } = settings
  catalog.addSchemas(PHONE_API_SCHEMAS)
  const corsHeaders = corsConfig ? [cors(corsConfig)] : []
  const corsOption = corsConfig ? { cors: corsConfig } : {}
  const requireAuth = requireSession(deps.sessions)

  // `/api/v1/users`: JSON bodies, `{"result": 0, ...}` failures.
  const users = [...corsHeaders, jsonBody()]
  const usersApi = documented(router, catalog, {
    trailingSlash: false,
    before: () => users,
    errors: renderErrors(logger, phoneApiFailure, (res, error) => {
      if (error.kind === 'unauthenticated') res.set('WWW-Authenticate', 'Bearer')
    }),
    ...corsOption,
  })
  const usersContext: PhoneApiContext = { deps, api: usersApi, requireAuth, settings }
  mountUserRoutes(usersContext)

  // `/oauth`: form or JSON bodies, RFC 6749 errors.
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
  const oauthContext: PhoneApiContext = { deps, api: oauthApi, requireAuth, settings }
  mountOAuthRoutes(oauthContext)
  return router
}
