/**
 * Turns anything thrown in a request into a `UserRouterError`: body-parser failures become 4xx,
 * unknown errors become `internal` and are logged with a request id (the client sees only the id).
 */
import { randomBytes } from 'node:crypto'
import { UserRouterError } from '../errors.js'
import type { Logger } from '../options.js'

interface BodyParserError {
  type?: string
  status?: number
}

export function toUserRouterError(error: unknown, logger: Logger): UserRouterError {
  if (error instanceof UserRouterError) {
    if (error.kind === 'unavailable' && error.code === 'unavailable') logger.warn(`express-user-router: a dependency is unavailable (${describe(error.cause)})`)
    return error
  }
  const parser = error as BodyParserError
  if (parser?.type === 'entity.parse.failed') return new UserRouterError('invalid_json')
  if (parser?.type === 'entity.too.large') return new UserRouterError('payload_too_large')
  if (typeof parser?.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return new UserRouterError('invalid_request', { message: 'The request body cannot be read.' })
  }
  const requestId = randomBytes(8).toString('hex')
  logger.error(`express-user-router: internal error (request ${requestId})`, error)
  return new UserRouterError('internal', { message: `Internal error (request ${requestId}).` })
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : 'no detail'
}
