/**
 * Hourly limits on actions that cost the server: registrations and anonymous logins per IP, mails
 * per user and per IP, refresh grants per token family (the `rateLimits` option). One counter per
 * limit and subject in the key-value store, counted with its atomic increment, so concurrent
 * requests (and several processes) never pass a limit together. Callers count before any hash.
 */
import { createHash } from 'node:crypto'
import { UserRouterError } from '../errors.js'
import type { RateLimitsConfig } from '../options.js'
import type { ServiceDeps } from './deps.js'

const HOUR_SECONDS = 3_600

/** A limit of the `rateLimits` option. */
export type RateLimit = keyof RateLimitsConfig

/** What each limit counts, as the `method` of its `rate_limited` event. */
const METHOD: Record<RateLimit, string> = {
  registrationsPerIpPerHour: 'register',
  anonymousLoginsPerIpPerHour: 'anonymous',
  emailsPerUserPerHour: 'email',
  emailsPerIpPerHour: 'email',
  refreshesPerFamilyPerHour: 'refresh_token',
  signInRedirectsPerIpPerHour: 'sign_in_redirect',
}

/** Who asks, for the `rate_limited` event. */
export interface RateLimitedRequest {
  ip: string
  clientId?: string
  userId?: number
}

/** The counter of one limit and subject; a digest, so no address or odd character lands in a key name. */
export function rateCounterKey(limit: RateLimit, subject: string): string {
  return `rate:${limit}:${createHash('sha256').update(subject).digest('base64url').slice(0, 22)}`
}

/**
 * Counts one action of `subject` (an IP, a user id, a token family) against `limit`. Past it,
 * emits `rate_limited` and throws `rate_limited` with the seconds left in the hour as
 * `retryAfter`. A limit switched off (`false`) counts nothing.
 */
export async function countAction(deps: ServiceDeps, limit: RateLimit, subject: string, request: RateLimitedRequest): Promise<void> {
  const max = deps.rateLimits[limit]
  if (max === false) return
  const key = rateCounterKey(limit, subject)
  if ((await deps.kv.increment(key, HOUR_SECONDS)) <= max) return
  const { ip, clientId, userId } = request
  deps.emit({ type: 'rate_limited', method: METHOD[limit], ...(userId === undefined ? {} : { userId }), ...(clientId ? { clientId } : {}), ip })
  const retryAfter = (await deps.kv.ttl(key)) ?? HOUR_SECONDS
  throw new UserRouterError('rate_limited', { retryAfter: Math.max(1, retryAfter) })
}
