/**
 * Client API account route, PUT /hserve/v2.0|v2.1|v2.2/user/account/: password changes and their session revocation, identifier changes, verification
 * resets and the last way to sign in, through HTTP, on the in-memory backend and on
 * PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, PASSWORD, releaseTestResources, type TestApp } from '../helpers/test-app.js'

const VERSIONS = ['v2.0', 'v2.1', 'v2.2'] as const
const NEW_PASSWORD = 'battery staple 2'

/** Marks the user's e-mail and phone verified, as the (separately tested) verification flows would. */
async function markVerified(t: TestApp, id: number): Promise<void> {
  const updated = await t.store.updateUser(id, {
    operations: [
      { kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true },
      { kind: 'set', field: INTERNAL_FIELDS.phoneVerified, value: true },
    ],
    updatedAt: Math.floor(Date.now() / 1000),
  })
  assert.ok(updated)
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`client API account route (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = () => createTestApp({ backend, label: 'account' })
    const put = (t: TestApp, token: string, body: unknown, version = 'v2.1') =>
      t.request
        .put(`/hserve/${version}/user/account/`)
        .set(t.auth(token))
        .send(body as object)
    const loginStatus = async (t: TestApp, username: string, password: string) =>
      (await t.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username, password })).status
    const alive = async (t: TestApp, token: string) => (await t.request.get('/hserve/v2.2/user/info/').set(t.auth(token))).status

    for (const version of VERSIONS) {
      it(`changes the password on ${version}, keeping the caller's session and revoking every other one`, async () => {
        const t = await create()
        const caller = await t.register('username', 'alice')
        const others = [await t.login('username', 'alice'), await t.login('username', 'alice')]
        const bystander = await t.register('username', 'bob')
        const res = await t.request.put(`/hserve/${version}/user/account`).set(t.auth(caller)).send({ password: PASSWORD, new_password: NEW_PASSWORD })
        assert.equal(res.status, 200, JSON.stringify(res.body))
        assert.deepEqual(res.body, { email: null, email_verified: false, username: 'alice', phone: null, phone_verified: false })
        assert.equal(await loginStatus(t, 'alice', PASSWORD), 400)
        assert.equal(await loginStatus(t, 'alice', NEW_PASSWORD), 201)
        assert.equal(await alive(t, caller), 200)
        for (const token of others) assertError(await t.request.get('/hserve/v2.2/user/info/').set(t.auth(token)), 401, 'unauthenticated')
        assert.equal(await alive(t, bystander), 200)
      })
    }

    it('refuses a wrong current password with 400 wrong_password and changes nothing', async () => {
      const t = await create()
      const caller = await t.register('username', 'carol')
      const other = await t.login('username', 'carol')
      assertError(await put(t, caller, { password: 'not the password', new_password: NEW_PASSWORD }), 400, 'wrong_password', 'password')
      assert.equal(await loginStatus(t, 'carol', PASSWORD), 201)
      assert.equal(await loginStatus(t, 'carol', NEW_PASSWORD), 400)
      assert.equal(await alive(t, other), 200)
      // A wrong password also stops the identifier changes sent with it.
      assertError(await put(t, caller, { username: 'carla', password: 'not the password', new_password: NEW_PASSWORD }), 400, 'wrong_password')
      assert.equal(await loginStatus(t, 'carol', PASSWORD), 201)
    })

    it('throttles guesses of the current password made with a token', async () => {
      const t = await create()
      const caller = await t.register('username', 'guess')
      for (let i = 0; i < 10; i++) {
        assertError(await put(t, caller, { password: `wrong guess ${i}`, new_password: NEW_PASSWORD }), 400, 'wrong_password')
      }
      const blocked = await put(t, caller, { password: PASSWORD, new_password: NEW_PASSWORD })
      assertError(blocked, 429, 'login_throttled')
      assert.ok(Number(blocked.headers['retry-after']) > 0)
      assert.equal(await loginStatus(t, 'guess', PASSWORD), 201, 'the password did not change')
    })

    it('answers 400 naming the field for an incomplete or invalid password change', async () => {
      const t = await create()
      const token = await t.register('username', 'dave')
      const cases: [unknown, string][] = [
        [{ password: PASSWORD }, 'new_password'],
        [{ new_password: NEW_PASSWORD }, 'password'],
        [{ password: PASSWORD, new_password: 'short' }, 'new_password'],
        [{ password: PASSWORD, new_password: 'x'.repeat(129) }, 'new_password'],
        [{ password: PASSWORD, new_password: 12345678 }, 'new_password'],
        [{ password: 12345678, new_password: NEW_PASSWORD }, 'password'],
      ]
      for (const [body, field] of cases) assertError(await put(t, token, body), 400, 'invalid_request', field)
      assert.equal(await loginStatus(t, 'dave', PASSWORD), 201)
    })

    it('changes username and e-mail, unique case-insensitively', async () => {
      const t = await create()
      const token = await t.register('username', 'erin')
      await t.register('username', 'Frank')
      await t.register('email', 'Taken@Example.com')
      const res = await put(t, token, { username: 'Erin_2', email: 'Erin@Example.com', password: PASSWORD }, 'v2.0')
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.deepEqual(res.body, { email: 'Erin@Example.com', email_verified: false, username: 'Erin_2', phone: null, phone_verified: false })
      assert.equal(await loginStatus(t, 'erin', PASSWORD), 400)
      assert.equal(await loginStatus(t, 'erin_2', PASSWORD), 201)
      await t.login('email', 'erin@example.com')
      assertError(await put(t, token, { username: 'frank' }), 400, 'username_taken')
      assertError(await put(t, token, { username: 'FRANK' }, 'v2.2'), 400, 'username_taken')
      assertError(await put(t, token, { email: 'taken@example.com', password: PASSWORD }), 400, 'email_taken')
      // Each name is free again once its owner moves on, and the old name of a user is free.
      await t.register('username', 'ERIN')
      const unchanged = await put(t, token, {})
      assert.deepEqual(unchanged.body, res.body)
    })

    it('gives a username to exactly one of 10 users claiming it at once', async () => {
      const t = await create()
      const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => t.register('username', `claimant${i}`)))
      const answers = await Promise.all(tokens.map((token, i) => put(t, token, { username: i % 2 ? 'Prize' : 'prize' })))
      assert.deepEqual(answers.map((res) => res.status).sort(), [200, ...Array(9).fill(400)])
      for (const res of answers.filter((r) => r.status === 400)) assertError(res, 400, 'username_taken')
      assert.equal(await loginStatus(t, 'PRIZE', PASSWORD), 201)
    })

    it('resets email_verified for a new e-mail and phone_verified for a new, normalised phone', async () => {
      const t = await create()
      const { id, token } = await t.signUp('email', 'gina@example.com')
      assert.equal((await put(t, token, { phone: '13800138000', password: PASSWORD })).status, 200)
      await markVerified(t, id)
      const same = await put(t, token, { email: 'gina@example.com', phone: '+86 138 0013 8000' })
      assert.deepEqual(same.body, { email: 'gina@example.com', email_verified: true, username: null, phone: '13800138000', phone_verified: true })
      const email = await put(t, token, { email: 'gina@example.org', password: PASSWORD })
      assert.deepEqual(email.body, { email: 'gina@example.org', email_verified: false, username: null, phone: '13800138000', phone_verified: true })
      const phone = await put(t, token, { phone: '0086 139-0013-9000', password: PASSWORD }, 'v2.2')
      assert.deepEqual(phone.body, { email: 'gina@example.org', email_verified: false, username: null, phone: '13900139000', phone_verified: false })
      const read = await t.request.get(`/hserve/v2.5/user/info/${id}/`).set(t.auth(token))
      assert.deepEqual([read.body._email, read.body._email_verified, read.body._phone, read.body._phone_verified], ['gina@example.org', false, '13900139000', false])
      await t.login('phone', '13900139000')
      await t.register('phone', '+8613700137000')
      assertError(await put(t, token, { phone: '137 0013 7000', password: PASSWORD }), 400, 'phone_taken')
    })

    it('answers 400 naming the field for invalid identifiers', async () => {
      const t = await create()
      const token = await t.register('username', 'hank')
      const cases: [unknown, string][] = [
        [{ username: 'has space' }, 'username'],
        [{ username: 42 }, 'username'],
        [{ username: '' }, 'username'],
        [{ email: 'not-an-email' }, 'email'],
        [{ email: ['a@b.co'] }, 'email'],
        [{ phone: '12345' }, 'phone'],
        [{ phone: 13800138000 }, 'phone'],
      ]
      for (const [body, field] of cases) assertError(await put(t, token, body), 400, 'invalid_request', field)
      assertError(await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).set('Content-Type', 'application/json').send('{"email"'), 400, 'invalid_json')
      assert.deepEqual((await put(t, token, {})).body, { email: null, email_verified: false, username: 'hank', phone: null, phone_verified: false })
    })

    it('clears identifiers with null, but never the last way to sign in', async () => {
      const t = await create()
      const { token } = await t.signUp('username', 'ivy')
      const both = await put(t, token, { email: 'ivy@example.com', password: PASSWORD })
      assert.equal(both.status, 200)
      const cleared = await put(t, token, { email: null, password: PASSWORD }, 'v2.0')
      assert.deepEqual(cleared.body, { email: null, email_verified: false, username: 'ivy', phone: null, phone_verified: false })
      assertError(await put(t, token, { username: null }), 400, 'last_login_method')
      assertError(await put(t, token, { username: null, email: null, phone: null, password: PASSWORD }, 'v2.2'), 400, 'last_login_method')
      assert.equal(await loginStatus(t, 'ivy', PASSWORD), 201)
      // Swapping one identifier for another in one request is fine.
      const swapped = await put(t, token, { username: null, phone: '13500135000', password: PASSWORD })
      assert.deepEqual(swapped.body, { email: null, email_verified: false, username: null, phone: '13500135000', phone_verified: false })
      assert.equal(await loginStatus(t, 'ivy', PASSWORD), 400)
      await t.login('phone', '13500135000')
      assertError(await put(t, token, { phone: null, password: PASSWORD }), 400, 'last_login_method')
      // A freed username can be taken by someone else.
      await t.register('username', 'Ivy')
    })

    it('answers 401 without a valid token and 401 invalid_client without the client id', async () => {
      const t = await create()
      const token = await t.register('username', 'jack')
      for (const version of VERSIONS) {
        const path = `/hserve/${version}/user/account/`
        assertError(await t.request.put(path).set(CLIENT).send({ username: 'jill' }), 401, 'unauthenticated')
        assertError(
          await t.request
            .put(path)
            .set(t.auth('y'.repeat(43)))
            .send({ username: 'jill' }),
          401,
          'unauthenticated',
        )
        assertError(await t.request.put(path).set('Authorization', `Hydrogen-r1 ${token}`).send({ username: 'jill' }), 401, 'invalid_client')
      }
      assert.equal(await loginStatus(t, 'jack', PASSWORD), 201)
      assert.equal(await loginStatus(t, 'jill', PASSWORD), 400)
    })
  })
}
