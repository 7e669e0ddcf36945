/**
 * An operator's view of a user's signed-in sessions: the list (`current` always false) and ending
 * one, which makes its token fail at the next request. Unknown users and sessions, and another
 * user's session, answer 404 and end nothing. On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { UserRouterEvent } from '../../src/events.js'
import { assertError, backendSkips, BACKENDS, CLIENT_ID, closeTestApps, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp } from './admin-app.js'

const skip = await backendSkips()
after(releaseTestResources)

const sessionsOf = (id: number) => `/userve/v2.2/miniapp/user/sessions/${id}/`

for (const backend of BACKENDS) {
  describe(`admin API: a user's sessions (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    async function create() {
      const events: UserRouterEvent[] = []
      const t = await createAdminApp(backend, 'admin-sessions', { onEvent: (event) => void events.push(event) })
      const cookie = await t.signInAdmin('root')
      return { t, cookie, events }
    }

    it("lists a user's sessions, none of them current, and ends one", async () => {
      const { t, cookie, events } = await create()
      const user = await t.signUp('username', 'ada')
      t.clock.advance(1)
      const second = await t.login('username', 'ada')
      const list = await t.request.get(sessionsOf(user.id)).set('Cookie', cookie)
      assert.equal(list.status, 200, JSON.stringify(list.body))
      assert.equal(list.headers['cache-control'], 'no-store')
      const objects = list.body.objects as { id: string; kind: string; client_id: string; current: boolean }[]
      assert.deepEqual(
        objects.map((s) => [s.kind, s.client_id, s.current]),
        [
          ['token', CLIENT_ID, false],
          ['token', CLIENT_ID, false],
        ],
      )
      const ended = await t.request.delete(`${sessionsOf(user.id)}${objects[1]!.id}/`).set('Cookie', cookie)
      assert.equal(ended.status, 204, JSON.stringify(ended.body))
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(user.token))).status, 401)
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(second))).status, 200)
      assert.deepEqual(
        events.filter((e) => e.type === 'session_ended').map((e) => [e.userId, e.method, e.clientId]),
        [[user.id, 'admin', CLIENT_ID]],
      )
    })

    it("answers 404 for an unknown user, an unknown session and another user's session, ending nothing", async () => {
      const { t, cookie, events } = await create()
      const ada = await t.signUp('username', 'ada')
      const bob = await t.signUp('username', 'bob')
      const [adaSession] = (await t.request.get(sessionsOf(ada.id)).set('Cookie', cookie)).body.objects as { id: string }[]
      assertError(await t.request.get(sessionsOf(999_999)).set('Cookie', cookie), 404, 'user_not_found')
      assertError(await t.request.get('/userve/v2.2/miniapp/user/sessions/abc/').set('Cookie', cookie), 404, 'user_not_found')
      assertError(await t.request.delete(`${sessionsOf(999_999)}${adaSession!.id}/`).set('Cookie', cookie), 404, 'user_not_found')
      assertError(await t.request.delete(`${sessionsOf(bob.id)}${adaSession!.id}/`).set('Cookie', cookie), 404, 'session_not_found')
      assertError(await t.request.delete(`${sessionsOf(ada.id)}AAAAAAAAAAAAAAAAAAAAAA/`).set('Cookie', cookie), 404, 'session_not_found')
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(ada.token))).status, 200)
      assert.equal(events.filter((e) => e.type === 'session_ended').length, 0)
    })

    it('refuses a cross-site ending and a request without an operator', async () => {
      const { t, cookie } = await create()
      const ada = await t.signUp('username', 'ada')
      const [session] = (await t.request.get(sessionsOf(ada.id)).set('Cookie', cookie)).body.objects as { id: string }[]
      const path = `${sessionsOf(ada.id)}${session!.id}/`
      assertError(await t.request.delete(path).set('Cookie', cookie).set('Origin', 'https://evil.example'), 403, 'cross_site_request')
      assertError(await t.request.delete(path), 401, 'unauthenticated')
      assertError(await t.request.get(sessionsOf(ada.id)).set(t.auth(ada.token)), 401, 'unauthenticated')
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(ada.token))).status, 200)
    })
  })
}
