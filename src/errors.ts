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
  | 'not_found' // the addressed thing does not exist (404)
  | 'unavailable' // a dependency (database, Redis) cannot be reached (503)
  | 'internal' // a bug or an unexpected failure (500)

/** Every stable machine code, with its kind and default public message. */
export const ERROR_CODES = {
  invalid_query: { kind: 'invalid', message: 'The query is not valid.' },
  invalid_update: { kind: 'invalid', message: 'The update is not valid.' },
  invalid_user: { kind: 'invalid', message: 'The user data is not valid.' },
  username_taken: { kind: 'conflict', message: 'This username is already taken.' },
  email_taken: { kind: 'conflict', message: 'This e-mail address is already taken.' },
  phone_taken: { kind: 'conflict', message: 'This phone number is already taken.' },
  user_not_found: { kind: 'not_found', message: 'User not found.' },
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
  /** The underlying failure, for logs only. */
  cause?: unknown
}

export class UserRouterError extends Error {
  readonly code: ErrorCode
  readonly kind: ErrorKind
  readonly details: FieldProblem[] | undefined

  constructor(code: ErrorCode, options: UserRouterErrorOptions = {}) {
    super(options.message ?? ERROR_CODES[code].message, { cause: options.cause })
    this.name = 'UserRouterError'
    this.code = code
    this.kind = ERROR_CODES[code].kind
    this.details = options.details
  }
}

/** An `invalid_*` error about one field, with that field named in the message and the details. */
export function fieldError(
  code: 'invalid_query' | 'invalid_update' | 'invalid_user',
  field: string,
  problem: string,
): UserRouterError {
  return new UserRouterError(code, {
    message: `${field}: ${problem}`,
    details: [{ field, message: problem }],
  })
}

export function isUserRouterError(error: unknown, code?: ErrorCode): error is UserRouterError {
  return error instanceof UserRouterError && (code === undefined || error.code === code)
}
