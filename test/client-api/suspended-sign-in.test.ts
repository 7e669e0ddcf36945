/**
 * A suspended user cannot sign in through any of the client API's ways in: passwords by username,
 * e-mail and phone, an SMS code, a third-party provider, the WeChat mini program (silent, phone
 * and profile sign-in). Each answers 403 `account_suspended` once the proof is right, hands out no
 * token, emits no `login`, and writes nothing to the account. On the in-memory backend and on
 * PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import type { UserStore } from '../../src/ports.js'
import { authenticate, authToken, createIdentityTestApp, PROVIDER } from '../helpers/identity-app.js'
import { createSmsTestApp } from '../helpers/sms-app.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createWechatTestApp, silentLogin, userInfoBody } from '../helpers/wechat-miniprogram-app.js'

const PHONE = '13800138000'
const ALICE = { openId: 'o-alice', unionId: 'u-alice' }

const skip = await backendSkips()
after(releaseTestResources)

/** Sets the flag as an operator's suspension does (the tokens' end is the admin API's test). */
async function suspend(store: UserStore, id: number): Promise<void> {
  assert.ok(await store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.suspended, value: true }], updatedAt: 1 }))
}

for (const backend of BACKENDS) {
  describe(`client API sign-in of a suspended user (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('refuses password sign-in by username, e-mail and phone with the right password only', async () => {
      const t = await createSmsTestApp(backend, 'suspended-password')
      const { id, token } = await t.signUp('username', 'alice')
      const res = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ email: 'alice@example.com', phone: PHONE, password: PASSWORD })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      await suspend(t.store, id)
      const logins = t.events.filter((e) => e.type === 'login').length
      for (const [kind, identifier, version] of [
        ['username', 'alice', 'v2.0'],
        ['email', 'alice@example.com', 'v2.0'],
        ['phone', PHONE, 'v2.1'],
      ] as const) {
        const login = (password: string) =>
          t.request
            .post(`/hserve/${version}/login/${kind}/`)
            .set(CLIENT)
            .send({ [kind]: identifier, password })
        const refused = await login(PASSWORD)
        assertError(refused, 403, 'account_suspended')
        assert.equal('token' in refused.body, false)
        assertError(await login('not the password'), 400, 'invalid_credentials')
      }
      assert.equal(t.events.filter((e) => e.type === 'login').length, logins)
    })

    it('refuses SMS sign-in with a right code, and does not claim the account', async () => {
      const t = await createSmsTestApp(backend, 'suspended-sms')
      const { id } = await t.signUp('phone', PHONE)
      await suspend(t.store, id)
      const sent = await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone: PHONE })
      assert.equal(sent.status, 200, JSON.stringify(sent.body))
      assertError(
        await t.request
          .post('/hserve/v2.1/login/sms/')
          .set(CLIENT)
          .send({ phone: PHONE, code: t.outbox.lastCode(PHONE) }),
        403,
        'account_suspended',
      )
      // The phone stays unverified and the password works as before: nothing was claimed.
      const user = await t.store.getUserById(id)
      assert.deepEqual([user?.phoneVerified, user?.passwordHash !== null], [false, true])
      assert.equal(t.events.filter((e) => e.type === 'account_claimed' || e.type === 'login').length, 0)
    })

    it("refuses third-party sign-in, leaving the provider's profile unwritten", async () => {
      const t = await createIdentityTestApp(backend, 'suspended-identity')
      t.standIn.signInAs({ subject: 'alice-1', nickname: 'Alice' } as never)
      const first = await authenticate(t, { auth_token: await authToken(t), create_user: true, update_userprofile: 'setnx' })
      assert.equal(first.status, 201, JSON.stringify(first.body))
      await suspend(t.store, first.body.id)
      t.standIn.signInAs({ subject: 'alice-1', nickname: 'Alice B.' } as never)
      assertError(await authenticate(t, { auth_token: await authToken(t), create_user: true, update_userprofile: 'overwrite' }), 403, 'account_suspended')
      const user = await t.store.getUserById(first.body.id)
      assert.equal(user?.nickname, 'Alice')
      assert.equal(t.events.filter((e) => e.type === 'login' && e.method === PROVIDER).length, 1)
    })

    it('refuses WeChat mini program sign-in: silent, by phone, and with user data', async () => {
      const t = await createWechatTestApp(backend, 'suspended-wechat')
      const first = await silentLogin(t, ALICE)
      assert.equal(first.status, 201, JSON.stringify(first.body))
      const id = first.body.user_info.id as number
      await suspend(t.store, id)
      assertError(await silentLogin(t, ALICE), 403, 'account_suspended')
      const phone = { phoneNumber: PHONE, purePhoneNumber: PHONE, countryCode: '86' }
      const byPhone = await t.request
        .post('/hserve/v2.7/idp/wechat/phone-login/')
        .set(CLIENT)
        .send({ encryptedData: 'ZW5jcnlwdGVk', iv: 'aXY=', create_user: true, code: t.wechat.loginCode(ALICE).code, phone_code: t.wechat.phoneCode(phone) })
      assertError(byPhone, 403, 'account_suspended')
      const withData = await t.request
        .post('/hserve/v2.5/idp/wechat/authenticate/')
        .set(CLIENT)
        .send({ ...userInfoBody(t, ALICE, { nickName: 'Alice' }, 'overwrite'), create_user: true })
      assertError(withData, 403, 'account_suspended')
      const user = await t.store.getUserById(id)
      assert.deepEqual([user?.phone, user?.nickname], [null, ''])
    })
  })
}
