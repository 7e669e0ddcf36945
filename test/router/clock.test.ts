/**
 * The router's clock (`now`, for tests): lifetimes the router checks itself follow it, so a test
 * moves time instead of sleeping. The store's TTLs still run on the real clock, so each expiry
 * below is the router's own check. On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter } from '../../src/create-user-router.js'
import type { UserRouterEvent } from '../../src/events.js'
import { backendSkips, BACKENDS, closeTestApps, createTestApp, recordingLogger, releaseTestResources } from '../helpers/test-app.js'

describe('the now option', () => {
  it('must be a function', () => {
    const base = { storage: new MemoryUserStore(), redis: new MemoryKeyValueStore(), clients: ['c1'], logger: recordingLogger() }
    assert.throws(() => createUserRouter({ ...base, now: 1000 as unknown as () => number }), /options\.now must be of type function/)
  })
})

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`the router's clock (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('ends a client API token at tokenTtlSeconds on its clock', async () => {
      const t = await createTestApp({ backend, label: 'clock', options: { tokenTtlSeconds: 60 } })
      const token = await t.register('username', 'ann')
      const info = () => t.request.get('/hserve/v2.2/user/info/').set(t.auth(token))
      // The real time between sign-in and the first check moves the clock too: leave it 2 seconds.
      t.clock.advance(57)
      assert.equal((await info()).status, 200)
      t.clock.advance(3)
      assert.equal((await info()).status, 401)
    })

    it('dates events by its clock', async () => {
      const events: UserRouterEvent[] = []
      const t = await createTestApp({ backend, label: 'clock', options: { onEvent: (event) => void events.push(event) } })
      t.clock.advance(86_400)
      await t.register('username', 'bob')
      const expected = Math.floor(t.clock.now() / 1000)
      assert.ok(events.length > 0)
      for (const event of events) assert.ok(Math.abs(event.at - expected) <= 1, `${event.type} at ${event.at}, expected about ${expected}`)
    })
  })
}
