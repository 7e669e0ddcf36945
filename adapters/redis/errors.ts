/**
 * Redis failures → `UserRouterError('unavailable')`, and the deadline every call runs under. Other
 * errors (WRONGTYPE, a script bug) are rethrown as they are: bugs, not conditions callers handle.
 */
import { UserRouterError } from '../../src/errors.js'

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
 * ioredis messages of a lost or refused connection, and Redis replies meaning "try again later":
 * a server still loading its data, a failover in progress, a cluster being resharded or down.
 */
const UNAVAILABLE_MESSAGE = new RegExp(
  [
    'Connection is closed',
    "Stream isn't writeable",
    'Command timed out',
    'Socket timeout',
    'connect ETIMEDOUT',
    "Cluster isn't ready",
    'Cluster is disconnect',
    'None of startup nodes is available',
    'Failed to refresh slots cache',
    'Node is disconnected',
    'Too many Cluster redirections',
    '^LOADING ',
    '^MASTERDOWN ',
    '^CLUSTERDOWN ',
    '^TRYAGAIN ',
    '^READONLY ',
  ].join('|'),
)

const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError', 'RedisUnavailableError'])

/** Raised by the store itself when a call outlives its deadline or Redis is known to be down. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError'
}

function isUnavailable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 3) return false
  const { code, message, name, cause } = error as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown }
  if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true
  // Node's happy-eyeballs connect reports an AggregateError of one error per address.
  if (error instanceof AggregateError) return error.errors.some((e) => isUnavailable(e, depth + 1))
  return isUnavailable(cause, depth + 1)
}

/** Maps an ioredis error to the store's contract; returns the error to throw. */
export function mapRedisError(error: unknown): unknown {
  if (error instanceof UserRouterError) return error
  return isUnavailable(error) ? new UserRouterError('unavailable', { cause: error }) : error
}

/**
 * Settles like `promise`, or rejects with `RedisUnavailableError` after `ms`. A late rejection of the
 * abandoned promise is swallowed (the caller has been answered already).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  // One promise and one timer per call: every session check runs through here.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisUnavailableError(`Redis ${what} took more than ${ms} ms`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
