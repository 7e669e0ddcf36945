/**
 * SMS one-time codes, shared by the client and phone APIs: sending with limits
 * that a third party cannot use against a phone's owner or the app's bill, and single-use checking.
 *
 * Keys hold the phone, never the code: `sms-code:<purpose>:<phone>` keeps only
 * HMAC-SHA256(secret, purpose, phone, code) with its failure counts and a digest of the IP that
 * asked for it (`putSecret`). The limits: `sms-cooldown:<phone>:<ip>` and `sms-day:<phone>:<ip>`
 * per phone and requesting IP, `sms-phone-day:<phone>` per phone over all IPs, `sms-ip:<ip>` per
 * IP, and `sms-hour` over everything (the circuit breaker). `<ip>` is a digest of the IP, an IPv6
 * address counted by its /64 prefix (`addressGroup`). `sms-phone-keys:<phone>` lists the phone's
 * per-IP keys, so that `erasePhoneTraces` reaches them without scanning the store.
 */
import { createHash, createHmac, randomInt } from 'node:crypto'
import { UserRouterError, isUserRouterError } from '../errors.js'
import { addressGroup } from './address-group.js'
import { checkIdentifier } from './credentials.js'
import type { ServiceDeps } from './deps.js'

/**
 * What a code is for; a code of one purpose never passes for another. `client`: the client API's
 * one code, accepted by SMS login, code verification and phone verification (the MinApp SDK sends
 * one code for any of them). `register`, `login`, `reset`: the phone API's `type` 1, 2, 3.
 * `delete`: the confirmation of an account's deletion, sent to its verified phone.
 */
export type SmsPurpose = 'client' | 'register' | 'login' | 'reset' | 'delete'

/** Every purpose, for deleting a phone's pending codes. */
const SMS_PURPOSES: readonly SmsPurpose[] = ['client', 'register', 'login', 'reset', 'delete']

const DAY_SECONDS = 86_400
const HOUR_SECONDS = 3_600

/** Request to send a code. */
export interface SendSmsCodeInput {
  /** As typed; normalised here (an invalid phone is a 400 naming `phone`). */
  phone: string
  purpose: SmsPurpose
  /** The requester's IP: the cooldown and daily cap count per phone and IP; the code's owner. */
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
  cooldown: (phone: string, ip: string) => `sms-cooldown:${phone}:${ipDigest(ip)}`,
  day: (phone: string, ip: string) => `sms-day:${phone}:${ipDigest(ip)}`,
  phoneDay: (phone: string) => `sms-phone-day:${phone}`,
  phoneKeys: (phone: string) => `sms-phone-keys:${phone}`,
  ip: (ip: string) => `sms-ip:${ipDigest(ip)}`,
  hour: () => 'sms-hour',
}

/**
 * Who asked (an IPv6 address by its /64), as keys and stored codes hold it: an unkeyed digest, so
 * that routers sharing one Redis count alike whatever their `secret`, and no address sits in a
 * key or value as it is.
 */
function ipDigest(ip: string): string {
  return createHash('sha256')
    .update(`sms-ip\n${addressGroup(ip)}`)
    .digest('base64url')
    .slice(0, 22)
}

/**
 * Throws 400 `sms_region_not_allowed` naming `phone` unless the normalised phone's calling code is
 * in `smsCodes.allowedCallingCodes`: a mainland number (stored without `+86`) is `86`, any other
 * is E.164, whose calling codes no other code begins with, so a prefix test is exact.
 */
export function assertSmsRegion(deps: ServiceDeps, phone: string): void {
  const allowed = deps.smsCodes.allowedCallingCodes
  if (phone.startsWith('+') ? allowed.some((code) => phone.startsWith(`+${code}`)) : allowed.includes('86')) return
  const problem = "SMS codes are not sent to this number's country or region"
  throw new UserRouterError('sms_region_not_allowed', { message: `phone: ${problem}.`, details: [{ field: 'phone', message: problem }] })
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
 * Throws 400 `sms_region_not_allowed` for a country not listed; 503 `sms_paused` (with
 * `retryAfter`) while the hourly cap over all phones is reached; `sms_rate_limited` (with
 * `retryAfter`) within the cooldown of the last code this IP asked for this phone (any purpose),
 * past this IP's daily cap for the phone, the phone's daily ceiling over all IPs, or the hourly
 * cap of the IP; `sms_quota_exhausted` when the sender says so; `sms_failed` for any other sender
 * failure. Keyed by phone AND IP, the cooldown and daily cap leave the owner's budget alone
 * whatever others ask for; the ceiling still bounds how many codes one phone can be bombed with.
 * The cooldown is claimed atomically first, so of concurrent requests (from any number of
 * processes sharing the store) one sends; the caps count only requests past it (a failed send
 * included), each only when the ones before it passed.
 */
export async function sendSmsCode(deps: ServiceDeps, input: SendSmsCodeInput): Promise<void> {
  const sender = deps.sms
  if (!sender) throw new Error('sendSmsCode: no SMS sender is configured')
  const limits = deps.smsCodes
  const phone = checkIdentifier('phone', input.phone)
  assertSmsRegion(deps, phone)
  // An open circuit refuses before anything is counted: pumping then uses up no phone's budget.
  if (Number((await deps.kv.get(keys.hour())) ?? 0) > limits.maxPerHour) throw await paused(deps)
  const cooldownKey = keys.cooldown(phone, input.ip)
  if (!(await deps.kv.setIfAbsent(cooldownKey, '1', limits.cooldownSeconds))) {
    throw await rateLimited(deps, input, cooldownKey, limits.cooldownSeconds)
  }
  // From here on every way out without a sent SMS releases the cooldown, so it never blocks a retry.
  let sent = false
  try {
    const dayKey = keys.day(phone, input.ip)
    await Promise.all([cooldownKey, dayKey].map((key) => deps.kv.addToSet(keys.phoneKeys(phone), key, DAY_SECONDS)))
    // The IP first: a capped IP must not use up the phone's budgets without sending anything.
    const ipKey = keys.ip(input.ip)
    if ((await deps.kv.increment(ipKey, HOUR_SECONDS)) > limits.maxPerIpPerHour) throw await rateLimited(deps, input, ipKey, HOUR_SECONDS)
    if ((await deps.kv.increment(dayKey, DAY_SECONDS)) > limits.maxPerPhonePerDay) throw await rateLimited(deps, input, dayKey, DAY_SECONDS)
    const phoneDayKey = keys.phoneDay(phone)
    if ((await deps.kv.increment(phoneDayKey, DAY_SECONDS)) > limits.maxPerPhonePerDayAllIps) throw await rateLimited(deps, input, phoneDayKey, DAY_SECONDS)
    const sends = await deps.kv.increment(keys.hour(), HOUR_SECONDS)
    if (sends > limits.maxPerHour) {
      // Exactly one request sees the count just past the cap: one event per window.
      if (sends === limits.maxPerHour + 1) deps.emit({ type: 'sms_circuit_open', method: 'sms', clientId: input.clientId, ip: input.ip })
      throw await paused(deps)
    }

    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    // Stored before sending, so a fast SMS is never ahead of its code. It stays after a failed
    // send: a timed-out provider may still deliver it, and nobody else knows it. Its owner is the
    // asking IP: only that IP's wrong tries can burn it.
    await deps.kv.putSecret(keys.code(input.purpose, phone), codeHash(deps, input.purpose, phone, code), limits.ttlSeconds, ipDigest(input.ip))
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

/** 503 `sms_paused` with the seconds until the hourly window over all phones ends. */
async function paused(deps: ServiceDeps): Promise<UserRouterError> {
  const retryAfter = (await deps.kv.ttl(keys.hour())) ?? HOUR_SECONDS
  return new UserRouterError('sms_paused', { retryAfter: Math.max(1, retryAfter) })
}

/** The sender's quota error as it is; anything else becomes `sms_failed`, logged without the code. */
function senderFailure(deps: ServiceDeps, error: unknown, code: string): UserRouterError {
  if (isUserRouterError(error, 'sms_quota_exhausted')) return error
  // A provider's message may quote the SMS text: the code is masked before it reaches the log.
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  deps.logger.warn(`express-user-router: the SMS sender failed (${detail.replaceAll(code, '******')})`)
  return new UserRouterError('sms_failed', { cause: error })
}

/** The login throttle's account of a phone's codes. */
const throttleAccountOf = (phone: string) => `sms:${phone}`

/**
 * Deletes what the store keeps of a normalised phone: its pending codes of every purpose, its
 * cooldowns and daily counts from every IP, and the failed tries of its codes. The counts of the
 * IPs themselves (`sms-ip`) and over everything (`sms-hour`) stay: they are no phone's.
 */
export async function erasePhoneTraces(deps: ServiceDeps, phone: string): Promise<void> {
  const perIp = await deps.kv.setMembers(keys.phoneKeys(phone))
  const codes = SMS_PURPOSES.map((purpose) => keys.code(purpose, phone))
  await deps.kv.delete([...codes, ...perIp, keys.phoneDay(phone), keys.phoneKeys(phone)])
  await deps.throttle.forget(throttleAccountOf(phone))
}

/**
 * Checks a code and consumes it on success (single use). False for a wrong, burnt, expired or
 * never-sent code. A wrong code from the IP that asked for it counts against the code (the
 * `maxFailures`-th burns it); wrong codes from any other IP count apart and never burn it: once
 * they reach `maxFailures`, other IPs' codes are refused unchecked, while the asking IP's right
 * code still passes. So a third party can neither burn the owner's code nor guess more than
 * `maxFailures` times. Every wrong code also counts, as a failed sign-in of the phone, in the
 * login throttle: that bounds an IP guessing codes of many phones, which the per-code counts
 * cannot. Throws `login_throttled` past its limits, without looking at the code.
 */
export async function verifySmsCode(deps: ServiceDeps, input: VerifySmsCodeInput): Promise<boolean> {
  const phone = checkIdentifier('phone', input.phone)
  const account = throttleAccountOf(phone)
  const hash = codeHash(deps, input.purpose, phone, input.code)
  try {
    // A place in the throttle's counts is taken before the code is looked at.
    return await deps.throttle.attempt(account, input.ip, async () =>
      // A malformed code cannot match: it is refused without using up one of the code's tries.
      /^\d{6}$/.test(input.code) ? (await deps.kv.consumeSecret(keys.code(input.purpose, phone), hash, deps.smsCodes.maxFailures, ipDigest(input.ip))) === 'match' : false,
    )
  } catch (error) {
    if (isUserRouterError(error, 'login_throttled')) deps.emit({ type: 'rate_limited', method: 'sms', clientId: input.clientId, ip: input.ip })
    throw error
  }
}
