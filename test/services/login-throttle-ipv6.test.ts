/**
 * The login throttle counts an IPv6 client by its /64, as the SMS limits do: a host rotating
 * through the addresses of its prefix gets one budget, not 2^64.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryKeyValueStore } from '../../adapters/memory/index.js'
import { isUserRouterError } from '../../src/errors.js'
import { LoginThrottle } from '../../src/services/login-throttle.js'

const CONFIG = { maxFailuresPerAccount: 3, maxFailuresPerIp: 5, windowSeconds: 900 }
const wrong = async () => false

/** Whether an attempt from `ip` for `account` is refused before its check runs. */
async function throttled(throttle: LoginThrottle, account: string, ip: string): Promise<boolean> {
  try {
    await throttle.attempt(account, ip, wrong)
    return false
  } catch (error) {
    if (isUserRouterError(error, 'login_throttled')) return true
    throw error
  }
}

describe('login throttle and IPv6', () => {
  it('counts the addresses of one /64 as one client, per account and per IP', async () => {
    const throttle = new LoginThrottle(new MemoryKeyValueStore(), CONFIG)
    for (let i = 1; i <= 3; i++) assert.equal(await throttled(throttle, 'user:1', `2001:db8:1:2::${i}`), false)
    assert.equal(await throttled(throttle, 'user:1', '2001:db8:1:2:ffff::9'), true, 'the account is throttled for the whole /64')
    assert.equal(await throttled(throttle, 'user:2', '2001:db8:1:2::4'), false)
    assert.equal(await throttled(throttle, 'user:3', '2001:db8:1:2::5'), false)
    assert.equal(await throttled(throttle, 'user:4', '2001:db8:1:2::6'), true, 'the per-IP count spans the /64')
    assert.equal(await throttled(throttle, 'user:1', '2001:db8:1:3::1'), false, 'another /64 has its own counts')
  })
})
