/**
 * Logins whose clients disconnect while they wait for a hashing slot are dropped from the queue:
 * their passwords are never checked (no `login_failed` event, no throttle count), so a storm of
 * impatient clients leaves no backlog of work for no one.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { UserRouterEvent } from '../../src/events.js'
import { CLIENT, closeTestApps, createTestApp, releaseTestResources } from '../helpers/test-app.js'

after(releaseTestResources)

describe('logins abandoned while queued', () => {
  afterEach(closeTestApps)

  it('are never checked: only the logins whose clients waited count as failures', async () => {
    const events: UserRouterEvent[] = []
    // One slot and a slow hash (scrypt logN 17, about half a second): the later logins wait in the queue.
    const t = await createTestApp({
      backend: 'memory',
      options: { password: { maxConcurrentHashes: 1, scrypt: { logN: 17 } }, onEvent: (e) => void events.push(e) },
    })
    await t.register('username', 'ivy')
    const url = t.request.post('/').url.replace(/\/$/, '')
    const login = (signal?: AbortSignal) =>
      fetch(`${url}/hserve/v2.1/login/username/`, {
        method: 'POST',
        headers: { ...CLIENT, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ivy', password: 'a wrong password' }),
        ...(signal ? { signal } : {}),
      })
    const holder = login()
    await sleep(100)
    const gone = new AbortController()
    const abandoned = Array.from({ length: 5 }, () => login(gone.signal).catch(() => null))
    await sleep(100)
    gone.abort()
    await Promise.all(abandoned)
    const waited = login()
    assert.equal((await holder).status, 400)
    assert.equal((await waited).status, 400)
    await sleep(200)
    assert.equal(events.filter((e) => e.type === 'login_failed').length, 2, JSON.stringify(events.map((e) => e.type)))
  })
})
