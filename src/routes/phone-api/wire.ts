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
  // The credentials are right but may not be used: a grant refused, with the account's 403.
  account_suspended: 'invalid_grant',
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
