/**
 * The phone API's `PUT /api/v1/users/update` never replaces an existing password without the
 * current one (`current_password`), checked under the login throttle like the client API's account
 * route; an account without a password (an SMS sign-up) still sets its first one without it. On the
 * in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { assertFailure, createPhoneTestApp, type PhoneTestApp } from './phone-app.js'

const PHONE = '13812345678'
const NEW_PASSWORD = 'another good one 2'
const UPDATE = '/api/v1/users/update'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`phone API update asks the current password (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = (options = {}) => createPhoneTestApp(backend, 'phone-update', options)
    const loginStatus = async (t: PhoneTestApp, password: string) => (await t.request.post('/hserve/v2.1/login/phone/').set(CLIENT).send({ phone: PHONE, password })).status

    it('refuses a new password without the current one, with any kind of token', async () => {
      const t = await create()
      const { token } = await t.signUp('phone', PHONE)
      const oauth = await t.passwordGrant(PHONE, PASSWORD)
      const body = { name: 'gyb', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }
      for (const authorization of [`Hydrogen-r1 ${token}`, `Bearer ${oauth.access_token as string}`]) {
        assertFailure(await t.request.put(UPDATE).set({ Authorization: authorization }).send(body), 400, 'invalid_request', 'current_password')
      }
      assert.equal(await loginStatus(t, PASSWORD), 201, 'the password is unchanged')
      assert.equal(await loginStatus(t, NEW_PASSWORD), 400)
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(token))).status, 200, 'the owner stays signed in')
    })

    it('refuses a wrong current password with wrong_password, and takes the right one', async () => {
      const t = await create()
      const { token, id } = await t.signUp('phone', PHONE)
      const other = await t.login('phone', PHONE)
      const update = (current: string) =>
        t.request
          .put(UPDATE)
          .set({ Authorization: `Bearer ${token}` })
          .send({ name: 'gyb', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD, current_password: current })
      assertFailure(await update('not the password'), 400, 'wrong_password', 'current_password')
      assert.equal(await loginStatus(t, PASSWORD), 201)
      assert.deepEqual((await update(PASSWORD)).body, { result: 1 })
      assert.equal(await loginStatus(t, NEW_PASSWORD), 201)
      assert.equal((await t.request.get(`/hserve/v2.2/user/info/${id}/`).set(t.auth(other))).status, 401, 'other sessions end')
    })

    it('counts wrong current passwords like failed logins: past the limit 429, even with the right one', async () => {
      const t = await create({ loginThrottle: { maxFailuresPerAccount: 3 } })
      const { token } = await t.signUp('phone', PHONE)
      const update = (current: string) =>
        t.request
          .put(UPDATE)
          .set({ Authorization: `Bearer ${token}` })
          .send({ name: 'gyb', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD, current_password: current })
      for (let i = 0; i < 3; i++) assertFailure(await update(`wrong guess ${i}`), 400, 'wrong_password', 'current_password')
      const blocked = await update(PASSWORD)
      assertFailure(blocked, 429, 'login_throttled')
      assert.ok(Number(blocked.headers['retry-after']) > 0)
      assert.equal(await loginStatus(t, NEW_PASSWORD), 400, 'the password is unchanged')
    })

    it('sets the first password of an SMS sign-up without a current one', async () => {
      const t = await create()
      const { access_token: token } = await t.passwordGrant(PHONE, await t.registerPhone(PHONE))
      const res = await t.request
        .put(UPDATE)
        .set({ Authorization: `Bearer ${token as string}` })
        .send({ name: 'gyb', password: PASSWORD, password_confirmation: PASSWORD })
      assert.deepEqual([res.status, res.body], [200, { result: 1 }])
      assert.equal(await loginStatus(t, PASSWORD), 201)
    })

    it('documents current_password in the OpenAPI document', async () => {
      const t = await create({ openApi: { path: '/openapi.json' } })
      const doc = (await t.request.get('/openapi.json')).body as {
        paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[] } }> } }>>
      }
      const schema = doc.paths['/api/v1/users/update']!.put!.requestBody.content['application/json']!.schema
      assert.match(String((schema.properties.current_password as { description?: unknown } | undefined)?.description), /current password/, JSON.stringify(schema))
      assert.ok(!schema.required?.includes('current_password'))
    })
  })
}
