/**
 * SMS one-time codes (SPEC section 5), shared by the client and phone APIs: sending with
 * per-phone and per-IP limits, and single-use checking.
 *
 * Keys hold the phone, never the code: `sms-code:<purpose>:<phone>` keeps only
 * HMAC-SHA256(secret, purpose, phone, code) with its failure count (`putSecret`);
 * `sms-cooldown:<phone>`, `sms-day:<phone>` and `sms-ip:<ip>` are the limits.
 */
import { createHmac, randomInt } from 'node:crypto'
import { UserRouterError, isUserRouterError } from '../errors.js'
import { checkIdentifier } from './credentials.js'
import type { ServiceDeps } from './deps.js'

/**
 * What a code is for; a code of one purpose never passes for another. `client`: the client API's
 * one code, accepted by SMS login, code verification and phone verification (the MinApp SDK sends
 * one code for any of them). `register`, `login`, `reset`: the phone API's `type` 1, 2, 3.
 */
export type SmsPurpose = 'client' | 'register' | 'login' | 'reset'

const DAY_SECONDS = 86_400
const HOUR_SECONDS = 3_600

/** Request to send a code. */
export interface SendSmsCodeInput {
  /** As typed; normalised here (an invalid phone is a 400 naming `phone`). */
  phone: string
  purpose: SmsPurpose
  /** The requester's IP, for the hourly cap per IP. */
  ip: string
  /** For the `sms_sent` event. */
  clientId?: string
  userId?: number
}

/** A code to check. */
export interface VerifySmsCodeInput {
  phone: string
  purpose: SmsPurpose
  /** As typed; anything but 6 digits is simply wrong. */
  code: string
  /** The caller's IP: wrong codes count as failed sign-ins of the phone from it. */
  ip: string
  /** For the `rate_limited` event. */
  clientId?: string
}

const keys = {
  code: (purpose: SmsPurpose, phone: string) => `sms-code:${purpose}:${phone}`,
  cooldown: (phone: string) => `sms-cooldown:${phone}`,
  day: (phone: string) => `sms-day:${phone}`,
  ip: (ip: string) => `sms-ip:${ip}`,
}

/** The keyed hash stored for a code. Newlines keep the parts apart (no part contains one). */
function codeHash(deps: ServiceDeps, purpose: SmsPurpose, phone: string, code: string): string {
  return createHmac('sha256', deps.secret).update(`${purpose}\n${phone}\n${code}`).digest('base64url')
}

/** `sms_rate_limited` with the seconds until `key` expires as Retry-After; emits `rate_limited`. */
async function rateLimited(deps: ServiceDeps, input: SendSmsCodeInput, key: string, fallbackSeconds: number): Promise<UserRouterError> {
  deps.emit({ type: 'rate_limited', method: 'sms', clientId: input.clientId, ip: input.ip })
  const retryAfter = (await deps.kv.ttl(key)) ?? fallbackSeconds
  return new UserRouterError('sms_rate_limited', { retryAfter: Math.max(1, retryAfter) })
}

/**
 * Sends a new 6-digit code to `phone`, replacing any earlier code of that phone and purpose.
 * Throws `sms_rate_limited` (with `retryAfter`) within the cooldown of the phone's last code (any
 * purpose: the limit protects the phone's owner), past the daily cap of the phone or the hourly
 * cap of the IP; `sms_quota_exhausted` when the sender says so; `sms_failed` for any other sender
 * failure. The cooldown is claimed atomically first, so of concurrent requests (from any number of
 * processes sharing the store) one sends; the IP and daily caps count only requests past it (a
 * failed send included).
 */
export async function sendSmsCode(deps: ServiceDeps, input: SendSmsCodeInput): Promise<void> {
  const sender = deps.sms
  if (!sender) throw new Error('sendSmsCode: no SMS sender is configured')
  const limits = deps.config.smsCodes
  const phone = checkIdentifier('phone', input.phone)
  const cooldownKey = keys.cooldown(phone)
  if (!(await deps.kv.setIfAbsent(cooldownKey, '1', limits.cooldownSeconds))) {
    throw await rateLimited(deps, input, cooldownKey, limits.cooldownSeconds)
  }
  // From here on every way out without a sent SMS releases the cooldown, so it never blocks a retry.
  let sent = false
  try {
    // The IP first: a capped IP must not use up the phone's daily budget without sending anything.
    const ipKey = keys.ip(input.ip)
    if ((await deps.kv.increment(ipKey, HOUR_SECONDS)) > limits.maxPerIpPerHour) throw await rateLimited(deps, input, ipKey, HOUR_SECONDS)
    const dayKey = keys.day(phone)
    if ((await deps.kv.increment(dayKey, DAY_SECONDS)) > limits.maxPerPhonePerDay) throw await rateLimited(deps, input, dayKey, DAY_SECONDS)

    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    // Stored before sending, so a fast SMS is never ahead of its code. It stays after a failed
    // send: a timed-out provider may still deliver it, and nobody else knows it.
    await deps.kv.putSecret(keys.code(input.purpose, phone), codeHash(deps, input.purpose, phone, code), limits.ttlSeconds)
    try {
      await sender.send({ phone, code, purpose: input.purpose, ttlSeconds: limits.ttlSeconds })
    } catch (error) {
      throw senderFailure(deps, error, code)
    }
    sent = true
  } finally {
    if (!sent) await deps.kv.delete([cooldownKey]).catch(() => undefined)
  }
  deps.emit({ type: 'sms_sent', ...(input.userId === undefined ? {} : { userId: input.userId }), clientId: input.clientId, ip: input.ip })
}

/** The sender's quota error as it is; anything else becomes `sms_failed`, logged without the code. */
function senderFailure(deps: ServiceDeps, error: unknown, code: string): UserRouterError {
  if (isUserRouterError(error, 'sms_quota_exhausted')) return error
  // A provider's message may quote the SMS text: the code is masked before it reaches the log.
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  deps.config.logger.warn(`express-user-router: the SMS sender failed (${detail.replaceAll(code, '******')})`)
  return new UserRouterError('sms_failed', { cause: error })
}

/**
 * Checks a code and consumes it on success (single use). False for a wrong, burnt, expired or
 * never-sent code. A wrong code counts against the code (the `maxFailures`-th wrong try burns it)
 * and, as a failed sign-in of the phone, in the login throttle: that bounds an IP guessing codes
 * of many phones, which the per-code count cannot. Throws `login_throttled` past its limits,
 * without looking at the code.
 */
export async function verifySmsCode(deps: ServiceDeps, input: VerifySmsCodeInput): Promise<boolean> {
  const phone = checkIdentifier('phone', input.phone)
  const account = `sms:${phone}`
  const hash = codeHash(deps, input.purpose, phone, input.code)
  try {
    // A place in the throttle's counts is taken before the code is looked at.
    return await deps.throttle.attempt(account, input.ip, async () =>
      // A malformed code cannot match: it is refused without using up one of the code's tries.
      /^\d{6}$/.test(input.code) ? (await deps.kv.consumeSecret(keys.code(input.purpose, phone), hash, deps.config.smsCodes.maxFailures)) === 'match' : false,
    )
  } catch (error) {
    if (isUserRouterError(error, 'login_throttled')) deps.emit({ type: 'rate_limited', method: 'sms', clientId: input.clientId, ip: input.ip })
    throw error
  }
}
