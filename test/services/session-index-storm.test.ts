/**
 * 200 concurrent sign-ins of one user keep its index bounded: at most `maxPerUser` members and at
 * most that many working tokens, every one of them listed (none lives outside the index, where no
 * "end every session" could reach it). On the in-process key-value store and on Redis.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SessionService, sessionKey } from '../../src/services/sessions.js'
import { keyValueBackends } from '../helpers/key-value-backends.js'
import { backendSkips, BACKENDS, type Backend } from '../helpers/test-app.js'

const skip = await backendSkips()
const backends = keyValueBackends('session-index-storm')
const keyValueStore = (backend: Backend) => backends.store(backend)

for (const backend of BACKENDS) {
  describe(`a storm of sign-ins of one user (${backend})`, { skip: skip[backend] }, () => {
    it('keeps at most maxPerUser members and working tokens, each working token listed', async () => {
      const kv = keyValueStore(backend)
      const maxPerUser = 5
      const now = 1_000_000
      const sessions = new SessionService(kv, { ttlSeconds: 3600, maxPerUser, now: () => now })
      const data = { userId: 9, clientId: 'c', createdAt: now, ip: '203.0.113.9', userAgent: 'ua' }
      const issued = await Promise.all(Array.from({ length: 200 }, () => sessions.issue(data)))
      // One more sign-in after the storm: the bound holds for what the storm left too.
      issued.push(await sessions.issue(data))
      const members = await kv.setMembers('user-sessions:9')
      assert.ok(members.length <= maxPerUser, `${members.length} members`)
      const working = []
      for (const { token, tokenHash } of issued) if (await sessions.verify(token)) working.push(sessionKey(tokenHash))
      assert.ok(working.length >= 1 && working.length <= maxPerUser, `${working.length} working tokens`)
      const listed = new Set((await sessions.entries(9)).map((entry) => entry.key))
      for (const key of working) assert.ok(listed.has(key), 'a working token is listed')
      await sessions.revokeUser(9)
      for (const { token } of issued) assert.equal(await sessions.verify(token), null, 'ending every session ends them all')
    })
  })
}
