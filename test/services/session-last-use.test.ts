/**
 * The write of a session's last use never brings back a session ended while the request was in
 * flight: a session ended between the read of its token and the write of its last use stays ended.
 * On the in-process key-value store and on Redis.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Session, SessionService, sessionKey } from '../../src/services/sessions.js'
import { keyValueBackends } from '../helpers/key-value-backends.js'
import { backendSkips, BACKENDS, type Backend } from '../helpers/test-app.js'

const skip = await backendSkips()
const backends = keyValueBackends('session-last-use')
const keyValueStore = (backend: Backend) => backends.store(backend)

for (const backend of BACKENDS) {
  describe(`a session's last use (${backend})`, { skip: skip[backend] }, () => {
    it('is not written back over a session ended meanwhile', async () => {
      const kv = keyValueStore(backend)
      let now = 1_000_000
      // Runs just before the store writes a session: the ending that races the request.
      let beforeSessionWrite: (() => Promise<void>) | null = null
      const racing = new Proxy(kv, {
        get(target, property) {
          const value: unknown = Reflect.get(target, property, target)
          if (typeof value !== 'function') return value
          if (property !== 'set') return value.bind(target)
          return async (key: string, stored: string, ttl: number) => {
            const race = key.startsWith('session:') ? beforeSessionWrite : null
            beforeSessionWrite = null
            if (race) await race()
            return target.set(key, stored, ttl)
          }
        },
      })
      const sessions = new SessionService(racing, { ttlSeconds: 3600, maxPerUser: 10, now: () => now })
      const meta = { userId: 7, clientId: 'c', createdAt: now, ip: '203.0.113.7', userAgent: 'ua' }
      const ended = await sessions.issue(meta)
      const kept = await sessions.issue(meta)
      now += 61
      let session: Session | null = null
      beforeSessionWrite = async () => {
        const [entry] = (await sessions.entries(7)).filter((e) => e.key === sessionKey(ended.tokenHash))
        await sessions.end(7, [entry!])
      }
      session = await sessions.verify(ended.token)
      assert.equal(session, null, 'the request ends unauthenticated')
      assert.equal(await kv.get(sessionKey(ended.tokenHash)), null, 'the key stays deleted')
      assert.equal(await sessions.verify(ended.token), null)

      const live = await sessions.verify(kept.token)
      assert.equal(live?.lastUsedAt, now, 'a live session has its last use written')
      now += 30
      assert.equal((await sessions.verify(kept.token))?.lastUsedAt, now - 30, 'not again within the minute')
      await kv.close()
    })
  })
}
