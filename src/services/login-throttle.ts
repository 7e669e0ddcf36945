/**
 * Counts failed sign-ins per (account, IP) and per IP in the key-value store. Past a threshold the
 * answer is `login_throttled` (429 with Retry-After) for that pair or that IP only, so an attacker
 * cannot lock an account for its owner signing in from elsewhere.
 */
import { createHash } from 'node:crypto'
import { UserRouterError } from '../errors.js'
import type { KeyValueStore } from '../ports.js'

export interface LoginThrottleConfig {
  /** Failures allowed per account and IP within the window (default 10). */
  maxFailuresPerAccount: number
  /** Failures allowed per IP within the window, over all accounts (default 100). */
  maxFailuresPerIp: number
  /** Seconds of the counting window (default 900). */
  windowSeconds: number
}

/** Keys hold a digest of the account, so no identifier (or odd character) lands in a key name. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22)
}

export class LoginThrottle {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly config: LoginThrottleConfig,
  ) {}

  private keys(account: string, ip: string) {
    return { pair: `login-failures:${digest(`${account}\n${ip}`)}`, ip: `login-failures-ip:${digest(ip)}` }
  }

  /** Throws `login_throttled` when this account and IP, or this IP, has failed too often. */
  async assertAllowed(account: string, ip: string): Promise<void> {
    const keys = this.keys(account, ip)
    const [pair, perIp] = await Promise.all([this.kv.get(keys.pair), this.kv.get(keys.ip)])
    const blocked =
      Number(pair ?? 0) >= this.config.maxFailuresPerAccount ? keys.pair : Number(perIp ?? 0) >= this.config.maxFailuresPerIp ? keys.ip : null
    if (blocked) {
      const retryAfter = (await this.kv.ttl(blocked)) ?? this.config.windowSeconds
      throw new UserRouterError('login_throttled', { retryAfter: Math.max(1, retryAfter) })
    }
  }

  async recordFailure(account: string, ip: string): Promise<void> {
    const keys = this.keys(account, ip)
    await Promise.all([this.kv.increment(keys.pair, this.config.windowSeconds), this.kv.increment(keys.ip, this.config.windowSeconds)])
  }

  /** A success clears the pair's failures (the IP's count stays: it guards many accounts). */
  async recordSuccess(account: string, ip: string): Promise<void> {
    await this.kv.delete([this.keys(account, ip).pair])
  }
}
