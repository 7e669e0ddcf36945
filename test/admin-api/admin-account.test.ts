/**
 * The admin API's account route, PUT /userve/v2.2/miniapp/user/account/:id/: username
 * and e-mail unique case-insensitively, `new_password` without the old one (ending the user's
 * sessions), phone changes that reset `phone_verified`, nulls, and the answer of the client
 * account route; on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp, type AdminTestApp } from './admin-app.js'

const NEW_PASSWORD = 'set by an operator 1'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`admin API account route (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    let cookie = ''
    const create = async () => {
      const t = await createAdminApp(backend, 'admin-account')
      cookie = await t.signInAdmin('root')
      return t
    }
    const put = (t: AdminTestApp, id: number | string, body: unknown) =>
      t.request
        .put(`/userve/v2.2/miniapp/user/account/${id}/`)
        .set('Cookie', cookie)
        .send(body as object)
    const loginStatus = async (t: AdminTestApp, username: string, password: string) =>
      (await t.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username, password })).status

    it('sets a new password without the old one and ends every token session of the user', async () => {
      const t = await create()
      const { id, token } = await t.signUp('username', 'alice')
      const other = await t.login('username', 'alice')
      const bystander = await t.register('username', 'bob')
      const res = await put(t, id, { new_password: NEW_PASSWORD, password: 'ignored: operators need no old password' })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.deepEqual(res.body, { email: null, email_verified: false, username: 'alice', phone: null, phone_verified: false })
      for (const revoked of [token, other]) assertError(await t.request.get('/hserve/v2.2/user/info/').set(t.auth(revoked)), 401, 'unauthenticated')
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(bystander))).status, 200)
      assert.equal(await loginStatus(t, 'alice', PASSWORD), 400)
      assert.equal(await loginStatus(t, 'alice', NEW_PASSWORD), 201)
      assertError(await put(t, id, { new_password: 'short' }), 400, 'invalid_request', 'new_password')
    })

    it('changes username and e-mail, unique case-insensitively, and keeps tokens when no password changes', async () => {
      const t = await create()
      const { id, token } = await t.signUp('username', 'carol')
      await t.signUp('username', 'Dave')
      await t.signUp('email', 'Taken@Example.com')
      const res = await put(t, id, { username: 'pretty_girl', email: 'Pretty_Girl@Fake.com' })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.deepEqual(res.body, { email: 'Pretty_Girl@Fake.com', email_verified: false, username: 'pretty_girl', phone: null, phone_verified: false })
      assert.equal(await loginStatus(t, 'PRETTY_GIRL', PASSWORD), 201)
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(token))).status, 200)
      assertError(await put(t, id, { username: 'DAVE' }), 400, 'username_taken')
      assertError(await put(t, id, { email: 'taken@example.COM' }), 400, 'email_taken')
      assertError(await put(t, id, { email: 'not-an-email' }), 400, 'invalid_request', 'email')
      assertError(await put(t, id, { username: 42 }), 400, 'invalid_request', 'username')
    })

    it('resets phone_verified for a new phone, and clears identifiers with null but never the last way to sign in', async () => {
      const t = await create()
      const { id } = await t.signUp('phone', '13800138000')
      await t.store.updateUser(id, {
        operations: [
          { kind: 'set', field: INTERNAL_FIELDS.phoneVerified, value: true },
          { kind: 'set', field: INTERNAL_FIELDS.email, value: 'e@example.com' },
        ],
        updatedAt: 1,
      })
      const same = await put(t, id, { phone: '+86 138 0013 8000' })
      assert.equal(same.body.phone_verified, true, 'the same phone in another notation is no change')
      const moved = await put(t, id, { phone: '139 0013 9000' })
      assert.deepEqual(moved.body, { email: 'e@example.com', email_verified: false, username: null, phone: '13900139000', phone_verified: false })
      const cleared = await put(t, id, { email: null })
      assert.equal(cleared.body.email, null)
      assertError(await put(t, id, { phone: null }), 400, 'last_login_method')
      assertError(await put(t, id, { phone: '123' }), 400, 'invalid_request', 'phone')
    })

    it('answers 404 for an unknown or malformed id, and changes nothing on a refused change', async () => {
      const t = await create()
      assertError(await put(t, 999999, { username: 'ghost' }), 404, 'user_not_found')
      assertError(await put(t, 'abc', { username: 'ghost' }), 404, 'user_not_found')
      const { id } = await t.signUp('username', 'erin')
      assertError(await put(t, id, { username: 'new_name', email: 'bad' }), 400, 'invalid_request', 'email')
      assert.equal((await t.store.getUserById(id))?.username, 'erin')
    })
  })
}
