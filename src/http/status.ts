/** The HTTP status of each error kind, shared by every API family. */
import type { ErrorKind } from '../errors.js'

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  conflict: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  payment_required: 402,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}
