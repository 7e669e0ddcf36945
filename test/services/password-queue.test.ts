/**
 * The password hasher's queue: a hash whose client went away while it waited for a slot is dropped
 * (never computed), and the slots stay right for everyone else.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { UserRouterError } from '../../src/errors.js'
import { PasswordHasher } from '../../src/services/passwords.js'

const hasher = () => new PasswordHasher({ scrypt: { logN: 12, r: 8, p: 1 }, maxConcurrent: 1, maxQueued: 10 })

it('drops a queued hash when its client goes away, before the hash in flight ends', async () => {
  const passwords = hasher()
  const order: string[] = []
  const inFlight = passwords.hash('first password').then(() => void order.push('first'))
  const gone = new AbortController()
  const queued = passwords.hash('second password', gone.signal).then(
    () => void order.push('second computed'),
    (error: unknown) => void order.push(error instanceof UserRouterError ? `second dropped: ${error.code}` : 'second failed'),
  )
  const stays = passwords.check(null, 'third password').then(() => void order.push('third'))
  gone.abort()
  await Promise.all([inFlight, queued, stays])
  assert.deepEqual(order, ['second dropped: busy', 'first', 'third'])
})

it('refuses at once a hash whose client has already gone, and keeps serving the others', async () => {
  const passwords = hasher()
  const first = passwords.hash('first password')
  await assert.rejects(passwords.hash('late', AbortSignal.abort()), (error: unknown) => error instanceof UserRouterError && error.code === 'busy')
  await first
  // The slot came back: a new hash runs, and a check of it passes.
  const hash = await passwords.hash('next password', new AbortController().signal)
  assert.equal((await passwords.check(hash, 'next password')).ok, true)
})
