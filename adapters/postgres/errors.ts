/**
 * Driver errors → `UserRouterError`. Connection failures and timeouts become `unavailable`, unique
 * violations the `*_taken` code of the index that refused the row; anything else is rethrown as is
 * (a bug, not a condition callers handle). The driver's message never becomes a public message: it
 * stays in `cause`, for logs.
 */
import { UserRouterError } from '../../src/errors.js'
import type { TableNames } from './options.js'

/** Socket-level codes of a server that cannot be reached or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
])

/**
 * SQLSTATEs meaning "try again later": admin/crash shutdown and cannot-connect-now (57P01-57P03),
 * query canceled, which is how `statement_timeout` ends a statement (57014), too many connections
 * (53300); and class 08, connection exceptions.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57014', '53300'])

/** Messages pg uses for failures without a code (pool timeouts, dropped connections). */
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|Query read timeout|Client has encountered a connection error|Client was closed/i

function isUnavailable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 3) return false
  const { code, message } = error as { code?: unknown; message?: unknown }
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true
  // Node's happy-eyeballs connect reports an AggregateError of one error per address.
  if (error instanceof AggregateError) return error.errors.some((e) => isUnavailable(e, depth + 1))
  return false
}

/** Maps a driver error to the store's contract; returns the error to throw. */
export function mapDriverError(error: unknown, names: TableNames): unknown {
  if (error instanceof UserRouterError) return error
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown }
  if (code === '23505') {
    if (constraint === names.indexes.username) return new UserRouterError('username_taken', { cause: error })
    if (constraint === names.indexes.email) return new UserRouterError('email_taken', { cause: error })
    if (constraint === names.indexes.phone) return new UserRouterError('phone_taken', { cause: error })
    if (constraint === names.indexes.identity) return new UserRouterError('identity_taken', { cause: error })
    return error
  }
  if (isUnavailable(error)) return new UserRouterError('unavailable', { cause: error })
  return error
}
