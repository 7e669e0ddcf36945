/**
 * Waiting for the reference app's logins to end. Unlike the router, which drops a queued login
 * whose client went away, the reference hashes every login it took: when a load stops, up to one
 * login per connection is still on libuv's pool, and would take the CPU from the next scenario.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { abortSignal } from './abort.js'

const POLL_MS = 100
const MAX_WAIT_MS = 60_000

/** Resolves once the reference has no login in flight; throws after a minute. */
export async function waitForReferenceLogins(referenceUrl: string): Promise<void> {
  const deadline = Date.now() + MAX_WAIT_MS
  while (Date.now() < deadline) {
    const response = await fetch(`${referenceUrl}/reference/logins-in-flight`, { signal: AbortSignal.any([abortSignal, AbortSignal.timeout(5000)]) })
    const { count } = (await response.json()) as { count: number }
    if (count === 0) return
    await sleep(POLL_MS, undefined, { signal: abortSignal })
  }
  throw new Error(`the reference app still had logins in flight after ${MAX_WAIT_MS / 1000} s`)
}
