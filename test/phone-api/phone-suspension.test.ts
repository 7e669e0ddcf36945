/**
 * A suspended user and the phone API: its access and refresh tokens stop working, the password
 * grant (by password or by `oauth_login_code`) and the SMS sign-in answer 403 once the credentials
 * are proven, wrong ones answer as usual; lifting the suspension restores sign-in but no token.
 * On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { SESSION_SECRET } from '../admin-api/admin-app.js'
import { CLIENT, closeTestApps, backendSkips, BACKENDS, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { assertFailure, assertOAuthError, createPhoneTestApp, type PhoneTestApp } from './phone-app.js'

const PHONE = '13800138000'

const skip = await backendSkips()
after(releaseTestResources)

/** The HTTP status of a client API read with an OAuth access token: 200 while it lives, 401 after. */
async function statusWith(t: PhoneTestApp, token: unknown): Promise<number> {
  return (await t.request.get('/hserve/v2.2/user/info/').set({ ...CLIENT, Authorization: `Bearer ${String(token)}` })).status
}

for (const backend of BACKENDS) {
  describe(`phone API and a suspended user (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    let cookie = ''
    const create = async () => {
      const t = await createPhoneTestApp(backend, 'phone-suspension', { admin: { authorize: (user) => user.username === 'root' }, sessionSecret: SESSION_SECRET })
      await t.register('username', 'root')
      const res = await t.request.post('/userve/v1/login/').send({ username: 'root', password: PASSWORD })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      cookie = String(res.headers['set-cookie']?.[0]).split(';')[0]!
      return t
    }
    const setSuspended = async (t: PhoneTestApp, id: number, suspended: boolean) => {
      const res = await t.request.put(`/userve/v2.2/miniapp/user/account/${id}/`).set('Cookie', cookie).send({ suspended })
      assert.equal(res.status, 200, JSON.stringify(res.body))
    }

    it('ends the access and refresh tokens, refuses the password grant with the right password only, and lifting it restores the grant', async () => {
      const t = await create()
      const { id } = await t.signUp('username', 'alice')
      const before = await t.passwordGrant('alice', PASSWORD)
      assert.equal(await statusWith(t, before.access_token), 200)
      await setSuspended(t, id, true)
      assert.equal(await statusWith(t, before.access_token), 401)
      assertOAuthError(await t.token({ grant_type: 'refresh_token', refresh_token: String(before.refresh_token) }), 400, 'invalid_grant')
      const refused = await t.token({ grant_type: 'password', username: 'alice', password: PASSWORD })
      assertOAuthError(refused, 403, 'invalid_grant')
      assert.match(String(refused.body.error_description), /suspended/)
      const wrong = await t.token({ grant_type: 'password', username: 'alice', password: 'not the password' })
      const wrongElsewhere = await t.token({ grant_type: 'password', username: 'root', password: 'not the password' })
      assert.deepEqual([wrong.status, wrong.body], [wrongElsewhere.status, wrongElsewhere.body])

      await setSuspended(t, id, false)
      assert.equal(await statusWith(t, before.access_token), 401)
      assertOAuthError(await t.token({ grant_type: 'refresh_token', refresh_token: String(before.refresh_token) }), 400, 'invalid_grant')
      const after = await t.passwordGrant('alice', PASSWORD)
      assert.equal(await statusWith(t, after.access_token), 200)
    })

    it('refuses the SMS sign-in with a right code (no oauth_login_code), and a login code issued before the suspension', async () => {
      const t = await create()
      const loginCode = await t.registerPhone(PHONE)
      const user = await t.store.getUserByIdentifier('phone', PHONE)
      await setSuspended(t, user!.id, true)
      assertOAuthError(await t.token({ grant_type: 'password', username: PHONE, password: loginCode }), 403, 'invalid_grant')
      const res = await t.request.post('/api/v1/users/login').send({ phone: PHONE, validation_code: await t.codeFor(PHONE, 2) })
      assertFailure(res, 403, 'account_suspended')
      assert.equal('oauth_login_code' in res.body, false)
      assertFailure(await t.request.post('/api/v1/users/login').send({ phone: PHONE, validation_code: '000000' }), 400, 'invalid_code')
    })
  })
}
