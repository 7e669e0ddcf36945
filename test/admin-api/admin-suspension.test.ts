/**
 * Suspension by an operator, PUT /userve/v2.2/miniapp/user/account/:id/ `{"suspended": ...}`:
 * every token of the user ends, sign-in is refused with the right password only, lifting it
 * restores sign-in but no ended session; the admin list shows and filters `_suspended`; an
 * operator's own admin sessions end too. On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { UserRouterEvent } from '../../src/events.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp, type AdminTestApp } from './admin-app.js'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`admin API suspension (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    let cookie = ''
    let events: UserRouterEvent[] = []
    const create = async (options: Parameters<typeof createAdminApp>[2] = {}) => {
      events = []
      const t = await createAdminApp(backend, 'admin-suspension', { onEvent: (event) => void events.push(event), ...options })
      cookie = await t.signInAdmin('root')
      return t
    }
    const put = (t: AdminTestApp, id: number, body: object, as = cookie) => t.request.put(`/userve/v2.2/miniapp/user/account/${id}/`).set('Cookie', as).send(body)
    const suspend = async (t: AdminTestApp, id: number, suspended = true) => {
      const res = await put(t, id, { suspended })
      assert.equal(res.status, 200, JSON.stringify(res.body))
    }
    const clientLogin = (t: AdminTestApp, username: string, password: string) => t.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username, password })
    const userInfo = (t: AdminTestApp, token: string) => t.request.get('/hserve/v2.2/user/info/').set(t.auth(token))

    it('ends every token of the user, refuses its sign-in with the right password only, and lifting it restores sign-in but no old token', async () => {
      const t = await create()
      const { id, token } = await t.signUp('username', 'alice')
      const other = await t.login('username', 'alice')
      const bystander = await t.register('username', 'bob')
      await suspend(t, id)
      for (const ended of [token, other]) assertError(await userInfo(t, ended), 401, 'unauthenticated')
      assert.equal((await userInfo(t, bystander)).status, 200)
      assertError(await clientLogin(t, 'alice', PASSWORD), 403, 'account_suspended')
      // A wrong password answers as for any account: nothing tells the account is suspended.
      const wrong = await clientLogin(t, 'alice', 'not the password')
      const wrongElsewhere = await clientLogin(t, 'bob', 'not the password')
      assert.deepEqual([wrong.status, wrong.body], [wrongElsewhere.status, wrongElsewhere.body])
      assertError(wrong, 400, 'invalid_credentials')

      await suspend(t, id, false)
      for (const ended of [token, other]) assertError(await userInfo(t, ended), 401, 'unauthenticated')
      const fresh = await t.login('username', 'alice')
      assert.equal((await userInfo(t, fresh)).status, 200)
      assert.deepEqual(
        events.filter((e) => e.type.startsWith('account_')).map((e) => [e.type, e.userId]),
        [
          ['account_suspended', id],
          ['account_resumed', id],
        ],
      )
    })

    it('counts wrong passwords of a suspended account in the login throttle as usual', async () => {
      const t = await create({ loginThrottle: { maxFailuresPerAccount: 3 } })
      const { id } = await t.signUp('username', 'alice')
      await suspend(t, id)
      for (let i = 0; i < 3; i++) assertError(await clientLogin(t, 'alice', `wrong ${i}`), 400, 'invalid_credentials')
      // The right password is throttled like any other try now: it is not checked, so not told apart.
      assertError(await clientLogin(t, 'alice', PASSWORD), 429, 'login_throttled')
    })

    it('answers the account data, takes the suspension with other fields, suspends twice harmlessly and emits once', async () => {
      const t = await create()
      const { id } = await t.signUp('username', 'carol')
      const res = await put(t, id, { username: 'carol_2', suspended: true })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.deepEqual(res.body, { email: null, email_verified: false, username: 'carol_2', phone: null, phone_verified: false })
      await suspend(t, id)
      assertError(await clientLogin(t, 'carol_2', PASSWORD), 403, 'account_suspended')
      assert.equal(events.filter((e) => e.type === 'account_suspended').length, 1)
      const event = events.find((e) => e.type === 'account_suspended')!
      assert.deepEqual(Object.keys(event).sort(), ['at', 'ip', 'type', 'userId'])
    })

    it('refuses a suspended value that is not a boolean, an unknown user, and the operator suspending themselves', async () => {
      const t = await create()
      const { id } = await t.signUp('username', 'dave')
      for (const suspended of ['yes', 1, null]) assertError(await put(t, id, { suspended }), 400, 'invalid_request', 'suspended')
      assertError(await put(t, 999999, { suspended: true }), 404, 'user_not_found')
      const root = (await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).body.user_id as number
      const own = await put(t, root, { username: 'renamed_root', suspended: true })
      assertError(own, 400, 'invalid_request', 'suspended')
      assert.match(own.body.error_msg, /own account/)
      // Nothing of the refused request was applied; the operator is still signed in.
      const profile = await t.request
        .get('/userve/v2.2/miniapp/user_profile/')
        .set('Cookie', cookie)
        .query({ where: JSON.stringify({ id: root }) })
      assert.equal(profile.status, 200)
      assert.deepEqual(
        profile.body.objects.map((u: Record<string, unknown>) => [u._username, u._suspended]),
        [['root', false]],
      )
      assert.equal((await put(t, root, { suspended: false })).status, 200)
    })

    it('shows _suspended in the admin list and filters on it', async () => {
      const t = await create()
      const ids: number[] = []
      for (const name of ['erin', 'frank', 'grace']) ids.push((await t.signUp('username', name)).id)
      await suspend(t, ids[0]!)
      await suspend(t, ids[2]!)
      const list = (where: object) =>
        t.request
          .get('/userve/v2.2/miniapp/user_profile/')
          .set('Cookie', cookie)
          .query({ where: JSON.stringify(where), order_by: 'id' })
      const suspended = await list({ _suspended: true })
      assert.equal(suspended.status, 200, JSON.stringify(suspended.body))
      assert.deepEqual(
        suspended.body.objects.map((u: Record<string, unknown>) => [u.id, u._suspended]),
        [
          [ids[0], true],
          [ids[2], true],
        ],
      )
      const active = await list({ _suspended: false })
      assert.deepEqual(
        active.body.objects.map((u: Record<string, unknown>) => u._username),
        ['root', 'frank'],
      )
      const one = await t.request.get(`/userve/v2.2/miniapp/user_profile/${ids[0]}/`).set('Cookie', cookie)
      assert.equal(one.body._suspended, true)
      // The user sees it too; other users do not.
      await suspend(t, ids[0]!, false)
      const token = await t.login('username', 'erin')
      assert.equal((await t.request.get(`/hserve/v2.2/user/info/${ids[0]}/`).set(t.auth(token))).body._suspended, false)
      const seen = await t.request.get(`/hserve/v2.2/user/info/${ids[2]}/`).set(t.auth(token))
      assert.equal(seen.status, 200, JSON.stringify(seen.body))
      assert.equal('_suspended' in seen.body, false)
    })

    it("ends a suspended operator's admin session at its next request, refuses its admin sign-in, and lifting it brings no session back", async () => {
      const t = await create()
      const mallory = await t.signInAdmin('mallory')
      const untouched = await t.signInAdmin('nina')
      const ids = await Promise.all([mallory, untouched].map(async (c) => (await t.request.get('/userve/v1/user-profile/').set('Cookie', c)).body.user_id as number))
      await suspend(t, ids[0]!)
      await suspend(t, ids[1]!)
      // Mallory's session is refused at its next request, and over for good.
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', mallory), 403, 'account_suspended')
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', mallory), 401, 'unauthenticated')
      assertError(await t.adminLogin({ username: 'mallory', password: PASSWORD }), 403, 'account_suspended')
      assertError(await t.adminLogin({ username: 'mallory', password: 'not the password' }), 400, 'invalid_credentials')

      // Nina's session makes no request while suspended: lifting the suspension does not revive it.
      await suspend(t, ids[1]!, false)
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', untouched), 401, 'unauthenticated')
      const again = await t.adminLogin({ username: 'nina', password: PASSWORD })
      assert.equal(again.status, 200, JSON.stringify(again.body))
    })
  })
}
