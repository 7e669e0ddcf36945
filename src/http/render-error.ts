/**
 * The one error middleware shape of every API family: anything thrown becomes a `UserRouterError`
 * (see `toUserRouterError`), answered with its kind's status, `Retry-After` when it has one, and the
 * family's own body.
 */
import type { ErrorRequestHandler, Response } from 'express'
import type { UserRouterError } from '../errors.js'
import type { Logger } from '../options.js'
import { toUserRouterError } from './errors.js'
import { STATUS_BY_KIND } from './status.js'

export function renderErrors(
  logger: Logger,
  body: (error: UserRouterError) => unknown,
  /** Family-specific headers (WWW-Authenticate, Cache-Control). */
  decorate?: (res: Response, error: UserRouterError) => void,
): ErrorRequestHandler {
  return (raw, _req, res, _next) => {
    const error = toUserRouterError(raw, logger)
    if (error.retryAfter !== undefined) res.set('Retry-After', String(error.retryAfter))
    decorate?.(res, error)
    res.status(STATUS_BY_KIND[error.kind]).json(body(error))
  }
}

/** The error body of the client and admin APIs: `{error_msg, code, details?}`. */
export function minAppErrorBody(error: UserRouterError): Record<string, unknown> {
  return { error_msg: error.message, code: error.code, ...(error.details ? { details: error.details } : {}) }
}
