/**
 * The one error type of express-user-router and its table of codes.
 *
 * Services and adapters throw `UserRouterError` with a stable `code`; each API family maps the
 * code's HTTP-neutral `kind` to a status and renders its own body. The public `message` is safe to
 * show a client; the `cause` (a driver error, say) is kept for logs and never rendered.
 */

/** What went wrong, independent of any protocol. Routes map a kind to a status code. */
export type ErrorKind =
  | 'invalid' // the caller sent something malformed or not allowed (400)
  | 'conflict' // a unique identifier is already taken (400 in the MinApp APIs)
  | 'unauthenticated' // no valid token or client id (401)
  | 'forbidden' // signed in, but not allowed here; or a cross-site request (403)
  | 'not_found' // the addressed thing does not exist (404)
  | 'too_large' // the request body is over the size limit (413)
  | 'payment_required' // a paid quota (SMS) is used up (402)
  | 'rate_limited' // too many attempts; retry later (429)
  | 'unavailable' // a dependency (database, Redis) cannot be reached, or the server is saturated (503)
  | 'internal' // a bug or an unexpected failure (500)

/** Every stable machine code, with its kind and default public message. */
export const ERROR_CODES = {
  invalid_query: { kind: 'invalid', message: 'The query is not valid.' },
  invalid_update: { kind: 'invalid', message: 'The update is not valid.' },
  query_too_complex: { kind: 'invalid', message: 'The query needs too much work; use fewer or simpler regular expressions, or narrow it with other conditions.' },
  invalid_request: { kind: 'invalid', message: 'The request is not valid.' },
  invalid_json: { kind: 'invalid', message: 'The request body is not valid JSON.' },
  payload_too_large: { kind: 'too_large', message: 'The request body is too large.' },
  invalid_credentials: { kind: 'invalid', message: 'Wrong account or password.' },
  wrong_password: { kind: 'invalid', message: 'The current password is wrong.' },
  recent_sign_in_required: { kind: 'forbidden', message: 'An account without a password proves this change by a recent sign-in: sign in again, then retry.' },
  last_login_method: { kind: 'invalid', message: 'This change would leave the account without a way to sign in.' },
  invalid_client: { kind: 'unauthenticated', message: 'Unknown or missing X-Hydrogen-Client-ID.' },
  invalid_grant: { kind: 'invalid', message: 'The grant is invalid, expired, revoked, or was issued to another client.' },
  unsupported_grant_type: { kind: 'invalid', message: 'This grant type is not supported: use password or refresh_token.' },
  invalid_scope: { kind: 'invalid', message: 'Scopes are not supported: tokens grant the whole account.' },
  unauthorized_client: { kind: 'invalid', message: 'The token was not issued to this client.' },
  unauthenticated: { kind: 'unauthenticated', message: 'Missing, invalid or expired token.' },
  not_admin: { kind: 'forbidden', message: 'This account is not an administrator.' },
  account_suspended: { kind: 'forbidden', message: 'This account is suspended.' },
  cross_site_request: { kind: 'forbidden', message: 'Cross-site request refused: the Origin (or Referer) is not trusted.' },
  login_throttled: { kind: 'rate_limited', message: 'Too many failed sign-in attempts; try again later.' },
  rate_limited: { kind: 'rate_limited', message: 'Too many requests of this kind; try again later.' },
  invalid_code: { kind: 'invalid', message: 'The verification code is wrong or has expired.' },
  sms_rate_limited: { kind: 'invalid', message: 'Too many codes sent to this phone or from this address; try again later.' },
  sms_quota_exhausted: { kind: 'payment_required', message: 'The SMS quota is used up.' },
  sms_failed: { kind: 'invalid', message: 'The SMS could not be sent.' },
  sms_region_not_allowed: { kind: 'invalid', message: "SMS codes are not sent to this number's country or region." },
  sms_paused: { kind: 'unavailable', message: 'Sending SMS codes is paused: too many were sent in the last hour; try again later.' },
  email_missing: { kind: 'invalid', message: 'The account has no e-mail address.' },
  email_already_verified: { kind: 'invalid', message: 'The e-mail address is already verified.' },
  email_not_verified: { kind: 'invalid', message: 'The e-mail address is not verified.' },
  email_rate_limited: { kind: 'invalid', message: 'An e-mail was sent to this address moments ago; try again later.' },
  mail_failed: { kind: 'invalid', message: 'The e-mail could not be sent.' },
  invalid_link: { kind: 'invalid', message: 'This link is invalid, used or expired.' },
  provider_failed: { kind: 'invalid', message: 'The identity provider did not confirm the sign-in.' },
  unknown_provider: { kind: 'not_found', message: 'No identity provider of this name.' },
  invalid_state: { kind: 'invalid', message: 'This sign-in attempt is unknown, used or expired; start the sign-in again.' },
  invalid_auth_token: { kind: 'invalid', message: 'The auth token is unknown, used or expired; start the sign-in again.' },
  provider_unavailable: { kind: 'unavailable', message: 'The identity provider cannot be reached; try again later.' },
  busy: { kind: 'unavailable', message: 'The server is busy; try again shortly.' },
  username_taken: { kind: 'conflict', message: 'This username is already taken.' },
  email_taken: { kind: 'conflict', message: 'This e-mail address is already taken.' },
  phone_taken: { kind: 'conflict', message: 'This phone number is already taken.' },
  identity_taken: { kind: 'conflict', message: 'This third-party account is already linked to another user.' },
  user_not_found: { kind: 'not_found', message: 'User not found.' },
  session_not_found: { kind: 'not_found', message: 'The user has no live session of this id.' },
  unavailable: { kind: 'unavailable', message: 'The service is temporarily unavailable.' },
  internal: { kind: 'internal', message: 'Internal error.' },
} as const satisfies Record<string, { kind: ErrorKind; message: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** One problem with one input field, as listed in `details` of a validation error. */
export interface FieldProblem {
  /** The field as the caller named it (`where.nickname`, `score`, `limit`). */
  field: string
  message: string
}

export interface UserRouterErrorOptions {
  /** Public message; defaults to the code's message. Never put a secret in it. */
  message?: string
  details?: FieldProblem[]
  /** Seconds after which a retry may succeed (`rate_limited`, `busy`): the `Retry-After` header. */
  retryAfter?: number
  /** The underlying failure, for logs only. */
  cause?: unknown
}

export class UserRouterError extends Error {
  readonly code: ErrorCode
  readonly kind: ErrorKind
  readonly details: FieldProblem[] | undefined
  readonly retryAfter: number | undefined

  constructor(code: ErrorCode, options: UserRouterErrorOptions = {}) {
    super(options.message ?? ERROR_CODES[code].message, { cause: options.cause })
    this.name = 'UserRouterError'
    this.code = code
    this.kind = ERROR_CODES[code].kind
    this.details = options.details
    this.retryAfter = options.retryAfter
  }
}

/** An `invalid_*` error about one field, with that field named in the message and the details. */
export function fieldError(code: 'invalid_query' | 'invalid_update' | 'invalid_request', field: string, problem: string): UserRouterError {
  return new UserRouterError(code, {
    message: `${field}: ${problem}`,
    details: [{ field, message: problem }],
  })
}

export function isUserRouterError(error: unknown, code?: ErrorCode): error is UserRouterError {
  return error instanceof UserRouterError && (code === undefined || error.code === code)
}
