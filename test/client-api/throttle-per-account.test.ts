/**
 * The login throttle counts per account, not per spelling of its identifier: the username, e-mail
 * and phone of one account, through the client API, the admin sign-in and the OAuth password
 * grant, all draw on one count per IP. Unknown identifiers are counted alike, per normalised
 * identifier. On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources, type TestApp } from '../helpers/test-app.js'
import { SESSION_SECRET } from '../admin-api/admin-app.js'
import { assertOAuthError, createPhoneTestApp } from '../phone-api/phone-app.js'

const ACCOUNT = { username: 'alice', email: 'alice@example.com', phone: '13900139000' }

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`login throttle per account (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = async () => {
      const t = await createPhoneTestApp(backend, 'throttle-account', {
        admin: { authorize: (user) => user.username === ACCOUNT.username },
        sessionSecret: SESSION_SECRET,
      })
      const token = await t.register('username', ACCOUNT.username)
      const res = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ email: ACCOUNT.email, phone: ACCOUNT.phone, password: PASSWORD })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      return t
    }
    const clientLogin = (t: TestApp, kind: keyof typeof ACCOUNT, identifier: string, password: string) =>
      t.request
        .post(`/hserve/v2.1/login/${kind}/`)
        .set(CLIENT)
        .send({ [kind]: identifier, password })

    it('counts wrong passwords under the username, the e-mail and the phone of one account together', async () => {
      const t = await create()
      const spellings = [
        ['username', 'ALICE'],
        ['email', 'Alice@Example.com'],
        ['phone', '+86 139 0013 9000'],
      ] as const
      for (let i = 0; i < 10; i++) {
        const [kind, identifier] = spellings[i % 3]!
        assertError(await clientLogin(t, kind, identifier, `wrong ${i}`), 400, 'invalid_credentials')
      }
      for (const [kind, identifier] of spellings) assertError(await clientLogin(t, kind, identifier, PASSWORD), 429, 'login_throttled')
    })

    it('shares the count between the client API, the admin sign-in and the OAuth password grant', async () => {
      const t = await create()
      for (let i = 0; i < 4; i++) assertError(await clientLogin(t, 'username', ACCOUNT.username, `wrong ${i}`), 400, 'invalid_credentials')
      for (let i = 0; i < 3; i++) assertError(await t.request.post('/userve/v1/login/').send({ email: ACCOUNT.email, password: `wrong ${i}` }), 400, 'invalid_credentials')
      for (let i = 0; i < 3; i++) assertOAuthError(await t.token({ grant_type: 'password', username: ACCOUNT.phone, password: `wrong ${i}` }), 400, 'invalid_grant')
      assertError(await clientLogin(t, 'email', ACCOUNT.email, PASSWORD), 429, 'login_throttled')
      assertError(await t.request.post('/userve/v1/login/').send({ phone: ACCOUNT.phone, password: PASSWORD }), 429, 'login_throttled')
      const grant = await t.token({ grant_type: 'password', username: ACCOUNT.username, password: PASSWORD })
      assertOAuthError(grant, 429, 'temporarily_unavailable')
      assert.ok(Number(grant.headers['retry-after']) > 0)
    })

    it('answers an unknown identifier as it answers a known one, counting it per normalised spelling', async () => {
      const t = await create()
      for (let i = 0; i < 10; i++) assertError(await clientLogin(t, 'email', i % 2 ? 'ghost@example.com' : 'GHOST@example.COM', `wrong ${i}`), 400, 'invalid_credentials')
      assertError(await clientLogin(t, 'email', 'Ghost@Example.com', PASSWORD), 429, 'login_throttled')
      // Another unknown account is not affected.
      assertError(await clientLogin(t, 'email', 'someone@example.com', PASSWORD), 400, 'invalid_credentials')
    })
  })
}
