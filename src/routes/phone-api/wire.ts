/**
 * The wire formats of the phone API family: its envelope (`{"result": 1, ...}` and
 * `{"result": 0, "error": "<reason>"}`) and the OAuth 2.0 token responses and errors of RFC 6749
 * sections 5.1 and 5.2. Field names are the phone API's and the RFC's on purpose: do not rename them.
 */
import type { ErrorCode, UserRouterError } from '../../errors.js'
import type { TokenPair } from '../../services/oauth-tokens.js'

/** A success of the phone API. */
export function phoneApiSuccess(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { result: 1, ...extra }
}

/** A failure of the phone API: the reason, plus the stable `code` and any field `details`. */
export function phoneApiFailure(error: UserRouterError): Record<string, unknown> {
  return { result: 0, error: error.message, code: error.code, ...(error.details ? { details: error.details } : {}) }
}

/** RFC 6749 section 5.1. */
export function tokenResponse(pair: TokenPair): Record<string, unknown> {
  return {
    access_token: pair.accessToken,
    token_type: 'Bearer',
    expires_in: pair.expiresIn,
    refresh_token: pair.refreshToken,
    created_at: pair.createdAt,
  }
}

/** The RFC 6749 section 5.2 error of each code; the rest are `invalid_request`. */
const OAUTH_ERRORS: Partial<Record<ErrorCode, string>> = {
  invalid_client: 'invalid_client',
  invalid_grant: 'invalid_grant',
  unsupported_grant_type: 'unsupported_grant_type',
  invalid_scope: 'invalid_scope',
  unauthorized_client: 'unauthorized_client',
  // Not in section 5.2, which has no word for "try later": the authorization endpoint's terms.
  login_throttled: 'temporarily_unavailable',
  rate_limited: 'temporarily_unavailable',
  busy: 'temporarily_unavailable',
  unavailable: 'temporarily_unavailable',
  internal: 'server_error',
}

/** RFC 6749 section 5.2: `{error, error_description}`. */
export function oauthError(error: UserRouterError): { error: string; error_description: string } {
  return { error: OAUTH_ERRORS[error.code] ?? 'invalid_request', error_description: error.message }
}

const details = {
  type: 'array',
  items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] },
}

/** JSON Schemas of the answers above, for the OpenAPI document. */
export const PHONE_API_SCHEMAS: Record<string, Record<string, unknown>> = {
  PhoneApiSuccess: { type: 'object', properties: { result: { const: 1 } }, required: ['result'] },
  PhoneApiLoginCode: {
    type: 'object',
    properties: { result: { const: 1 }, oauth_login_code: { type: 'string', description: 'Single use, 10 minutes: the password of the OAuth password grant.' } },
    required: ['result', 'oauth_login_code'],
  },
  PhoneApiFailure: {
    type: 'object',
    properties: { result: { const: 0 }, error: { type: 'string', description: 'The reason, readable.' }, code: { type: 'string' }, details },
    required: ['result', 'error', 'code'],
  },
  OAuthToken: {
    type: 'object',
    properties: {
      access_token: { type: 'string' },
      token_type: { const: 'Bearer' },
      expires_in: { type: 'integer', description: 'Seconds the access token lives.' },
      refresh_token: { type: 'string', description: 'Single use: each refresh answers a new one.' },
      created_at: { type: 'integer', description: 'Unix seconds.' },
    },
    required: ['access_token', 'token_type', 'expires_in', 'refresh_token', 'created_at'],
  },
  OAuthError: {
    type: 'object',
    properties: {
      error: { enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'temporarily_unavailable', 'server_error'] },
      error_description: { type: 'string' },
    },
    required: ['error', 'error_description'],
  },
  Empty: { type: 'object', additionalProperties: false },
}
