/**
 * The one error renderer of every API family: anything thrown becomes a `UserRouterError` (see
 * `toUserRouterError`), answered with its kind's status, `Retry-After` when it has one, and the
 * family's own body.
 */
import type { ErrorRequestHandler, Response } from 'express'
import type { UserRouterError } from '../errors.js'
import type { Logger } from '../options.js'
import { toUserRouterError } from './errors.js'
import { STATUS_BY_KIND } from './status.js'

/**
 * `raw` as a `UserRouterError`, with its answer's status and `Retry-After` set on `res`: the body
 * is the caller's (a family's JSON, or an HTML page).
 */
export function startErrorAnswer(res: Response, raw: unknown, logger: Logger): UserRouterError {
  const error = toUserRouterError(raw, logger)
  if (error.retryAfter !== undefined) res.set('Retry-After', String(error.retryAfter))
  res.status(STATUS_BY_KIND[error.kind])
  return error
}

/** The error middleware of a family: its `body`, and its own headers (WWW-Authenticate). */
export function renderErrors(logger: Logger, body: (error: UserRouterError) => unknown, decorate?: (res: Response, error: UserRouterError) => void): ErrorRequestHandler {
  return (raw, _req, res, _next) => {
    const error = startErrorAnswer(res, raw, logger)
    decorate?.(res, error)
    res.json(body(error))
  }
}
