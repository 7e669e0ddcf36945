/**
 * Counts failed sign-ins per (account, IP) and per IP in the key-value store. Past a threshold the
 * answer is `login_throttled` (429 with Retry-After) for that pair or that IP only, so an attacker
 * cannot lock an account for its owner signing in from elsewhere.
 *
 * The counts hold under concurrency: a slow check (a password hash) takes its place in both counts
 * before it starts, with the store's atomic increment, so of any burst at most the limit is ever
 * checked; a success gives its places back. Reading the counts first and counting failures after
 * the check would let every request of a burst through before the first failure was counted.
 */
import { createHash } from 'node:crypto'
import { UserRouterError } from '../errors.js'
import type { KeyValueStore } from '../ports.js'
import { addressGroup } from './address-group.js'

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

/** The set of an account's (account, IP) count keys, so that they can be deleted with the account. */
const accountPairsKey = (account: string) => `login-failures-of:${digest(account)}`

export class LoginThrottle {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly config: LoginThrottleConfig,
  ) {}

  private keys(account: string, ip: string) {
    // An IPv6 client counts by its /64, as the SMS limits count it.
    const client = addressGroup(ip)
    return { pair: `login-failures:${digest(`${account}\n${client}`)}`, ip: `login-failures-ip:${digest(client)}`, ofAccount: accountPairsKey(account) }
  }

  /** Counts a failure of the pair, listing its key under the account (for `forget`); answers the count. */
  private async countPair(keys: { pair: string; ofAccount: string }): Promise<number> {
    const [count] = await Promise.all([this.kv.increment(keys.pair, this.config.windowSeconds), this.kv.addToSet(keys.ofAccount, keys.pair, this.config.windowSeconds)])
    return count
  }

  /**
   * Deletes the account's failure counts from every IP (a deleted account's); the counts of the
   * IPs themselves stay, as they are no account's.
   */
  async forget(account: string): Promise<void> {
    const ofAccount = accountPairsKey(account)
    await this.kv.delete([...(await this.kv.setMembers(ofAccount)), ofAccount])
  }

  /**
   * Runs `check` (true: the secret was right) once this account and IP, and this IP, have a place
   * left in their counts; throws `login_throttled` without running it otherwise. A wrong secret
   * keeps both places (they are its failures); a right one clears the pair's failures and gives the
   * IP's place back; a check that throws (a busy hasher) gives both back.
   */
  async attempt(account: string, ip: string, check: () => Promise<boolean>): Promise<boolean> {
    const keys = this.keys(account, ip)
    const { windowSeconds, maxFailuresPerAccount, maxFailuresPerIp } = this.config
    if ((await this.countPair(keys)) > maxFailuresPerAccount) throw await this.throttled(keys.pair)
    if ((await this.kv.increment(keys.ip, windowSeconds)) > maxFailuresPerIp) {
      await this.kv.decrement(keys.pair)
      throw await this.throttled(keys.ip)
    }
    let ok: boolean
    try {
      ok = await check()
    } catch (error) {
      await Promise.all([this.kv.decrement(keys.pair), this.kv.decrement(keys.ip)]).catch(() => undefined)
      throw error
    }
    if (ok) await Promise.all([this.kv.delete([keys.pair]), this.kv.decrement(keys.ip)])
    return ok
  }

  /**
   * For a check too cheap to hold a place (a constant-time comparison, already made): a wrong
   * secret counts a failure and answers false up to the limits, then throws `login_throttled`; a
   * right one passes only while the pair and the IP are under their limits. Right secrets take no
   * place, so many at once from one IP (an app's server) never hold each other back.
   */
  async judge(account: string, ip: string, matched: boolean): Promise<boolean> {
    const keys = this.keys(account, ip)
    const { windowSeconds, maxFailuresPerAccount, maxFailuresPerIp } = this.config
    if (matched) {
      const [pair, perIp] = await Promise.all([this.kv.get(keys.pair), this.kv.get(keys.ip)])
      if (Number(pair ?? 0) >= maxFailuresPerAccount) throw await this.throttled(keys.pair)
      if (Number(perIp ?? 0) >= maxFailuresPerIp) throw await this.throttled(keys.ip)
      return true
    }
    if ((await this.countPair(keys)) > maxFailuresPerAccount) throw await this.throttled(keys.pair)
    if ((await this.kv.increment(keys.ip, windowSeconds)) > maxFailuresPerIp) throw await this.throttled(keys.ip)
    return false
  }

  private async throttled(key: string): Promise<UserRouterError> {
    const retryAfter = (await this.kv.ttl(key)) ?? this.config.windowSeconds
    return new UserRouterError('login_throttled', { retryAfter: Math.max(1, retryAfter) })
  }
}
