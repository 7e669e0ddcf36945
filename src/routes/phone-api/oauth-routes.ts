/**
 * The OAuth 2.0 endpoints: `POST /oauth/token` (RFC 6749: the password and refresh_token grants)
 * and `POST /oauth/revoke` (RFC 7009). Both take form-urlencoded or JSON bodies and authenticate the
 * client first. Unknown parameters are ignored, as RFC 6749 section 3.2 asks; a repeated one is an
 * array and fails validation.
 */
import type { Request } from 'express'
import Joi from 'joi'
import { UserRouterError, fieldError } from '../../errors.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { object, optional, required, type RequestSchema } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import type { RequestMeta, OAuthServiceDeps } from '../../services/deps.js'
import { authenticateClient } from '../../services/oauth-clients.js'
import { passwordGrant } from '../../services/oauth-grants.js'
import { refreshTokens, revokeToken, type TokenPair } from '../../services/oauth-tokens.js'
import { clientCredentialsOf } from './client-credentials.js'
import type { PhoneApiContext } from './context.js'
import { oauthDocs } from './docs.js'
import { tokenResponse } from './wire.js'

const text = (max: number) => Joi.string().min(1).max(max)
const clientFields = { client_id: optional(text(256)), client_secret: optional(text(1024)) }

const tokenSchema = object({
  grant_type: required(text(64)),
  username: optional(text(320)),
  password: optional(text(1024)),
  refresh_token: optional(text(256)),
  scope: optional(Joi.string().allow('').max(1024)),
  ...clientFields,
}).required()

const revokeSchema = object({ token: required(text(1024)), token_type_hint: optional(text(64)), ...clientFields }).required()

/** The request's meta with the authenticated OAuth client as its client. */
async function authenticated(deps: OAuthServiceDeps, req: Request, body: { client_id?: string; client_secret?: string }): Promise<RequestMeta> {
  const meta = requestMeta(req)
  return { ...meta, clientId: await authenticateClient(deps, clientCredentialsOf(req, body), meta) }
}

function present(value: string | undefined, field: string): string {
  if (value === undefined) throw fieldError('invalid_request', field, 'is required')
  return value
}

type TokenRequest = typeof tokenSchema extends RequestSchema<infer T> ? T : never

/** What the grant of the request answers: a new token family (password) or the next pair of one (refresh_token). */
function grant(deps: OAuthServiceDeps, body: TokenRequest, meta: RequestMeta): Promise<TokenPair> {
  switch (body.grant_type) {
    case 'password':
      return passwordGrant(deps, { username: present(body.username, 'username'), password: present(body.password, 'password') }, meta.clientId, meta)
    case 'refresh_token':
      return refreshTokens(deps, present(body.refresh_token, 'refresh_token'), meta.clientId, meta)
    default:
      throw new UserRouterError('unsupported_grant_type')
  }
}

export function mountOAuthRoutes({ deps, api }: PhoneApiContext): void {
  const tokenDoc = oauthDocs.route({
    summary: 'Token endpoint: password and refresh_token grants (RFC 6749)',
    body: tokenSchema,
    responses: oauthDocs.responses({ 200: { description: 'A token pair.', schema: 'OAuthToken' } }, [403]),
  })
  api.post(
    '/oauth/token',
    tokenDoc,
    handler(async (req, res) => {
      const body = validate(tokenSchema, req.body)
      const meta = await authenticated(deps, req, body)
      // Tokens grant the whole account; a requested scope cannot be honoured as asked.
      if (body.scope) throw new UserRouterError('invalid_scope')
      res.json(tokenResponse(await grant(deps, body, meta)))
    }),
  )

  const revokeDoc = oauthDocs.route({
    summary: 'Revoke an access token, or a refresh token with its family (RFC 7009)',
    body: revokeSchema,
    responses: oauthDocs.responses({ 200: { description: 'Revoked, or unknown.', schema: 'Empty' } }),
  })
  api.post(
    '/oauth/revoke',
    revokeDoc,
    handler(async (req, res) => {
      const body = validate(revokeSchema, req.body)
      const meta = await authenticated(deps, req, body)
      // RFC 7009 section 2.2: an unknown or expired token is revoked already, and answers 200 too.
      if ((await revokeToken(deps, body.token, meta.clientId, meta)) === 'other_client') throw new UserRouterError('unauthorized_client')
      res.status(200).json({})
    }),
  )
}
