/**
 * Phones a WeChat mini program proves, through HTTP as the MinApp SDK sends them, on the in-memory
 * backend, SQLite and PostgreSQL + Redis: phone sign-in and the signed-in user's phone. A phone another
 * account has is refused and never merges the accounts.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { assertError, backendSkips, CLIENT, closeTestApps, countUsers, EVERY_BACKEND, releaseTestResources } from '../helpers/test-app.js'
import { createWechatTestApp, signedIn, type WechatTestApp } from '../helpers/wechat-miniprogram-app.js'
import { encryptUserData } from '../helpers/wechat-user-data.js'

const skip = await backendSkips()
after(releaseTestResources)

const ALICE = { openId: 'o-alice', unionId: 'u-alice' }
const MAINLAND = { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' }

for (const backend of EVERY_BACKEND) {
  describe(`client API WeChat mini program phones (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = () => createWechatTestApp(backend, 'wechat-mp-phone')
    /** What `loginWithWechat(phoneButtonEvent, {code})` sends (base library 2.21.2 and later). */
    const phoneLogin = (t: WechatTestApp, user: { openId: string }, phone = MAINLAND, createUser = true) =>
      t.request
        .post('/hserve/v2.7/idp/wechat/phone-login/')
        .set(CLIENT)
        .send({ encryptedData: 'ZW5jcnlwdGVk', iv: 'aXY=', create_user: createUser, code: t.wechat.loginCode(user).code, phone_code: t.wechat.phoneCode(phone) })
    const phoneUpdate = (t: WechatTestApp, token: string, phone = MAINLAND, overwrite = true) =>
      t.request
        .put('/hserve/v2.7/idp/wechat/phone-verification/')
        .set(t.auth(token))
        .send({ encryptedData: 'ZW5jcnlwdGVk', iv: 'aXY=', overwrite, phone_code: t.wechat.phoneCode(phone) })

    it('creates a user with the verified phone, and signs into it again', async () => {
      const t = await create()
      const first = await phoneLogin(t, ALICE)
      assert.equal(first.status, 201, JSON.stringify(first.body))
      assert.deepEqual([first.body.user_info._phone, first.body.user_info._phone_verified, first.body.openid], ['13800138000', true, ALICE.openId])
      const again = await phoneLogin(t, ALICE, MAINLAND, false)
      assert.equal(again.status, 201, JSON.stringify(again.body))
      assert.equal(again.body.user_info.id, first.body.user_info.id)
      const silent = await signedIn(t, ALICE)
      assert.equal(silent.id, first.body.user_info.id)
      assert.equal(await countUsers(t.store), 1)
    })

    it('sets and verifies the phone of the openid user that has none', async () => {
      const t = await create()
      const { id } = await signedIn(t, ALICE)
      const res = await phoneLogin(t, ALICE, MAINLAND, false)
      assert.equal(res.status, 201, JSON.stringify(res.body))
      const user = await t.store.getUserById(id)
      assert.deepEqual([user?.phone, user?.phoneVerified], ['13800138000', true])
    })

    it('answers 404 and creates nothing without create_user', async () => {
      const t = await create()
      assertError(await phoneLogin(t, ALICE, MAINLAND, false), 404, 'user_not_found')
      assert.equal(await countUsers(t.store), 0)
    })

    it('refuses a phone another account has and merges nothing', async () => {
      const t = await create()
      const owner = await t.signUp('phone', '13800138000')
      assertError(await phoneLogin(t, ALICE), 400, 'phone_taken')
      assert.equal(await countUsers(t.store), 1)
      const { token } = await signedIn(t, ALICE)
      assertError(await phoneUpdate(t, token), 400, 'phone_taken')
      const stored = await t.store.getUserById(owner.id)
      assert.deepEqual(stored?.identities, [])
      assert.equal(stored?.phoneVerified, false)
      assert.equal(await countUsers(t.store), 2)
    })

    it('signs in with the encrypted phone of older base libraries', async () => {
      const t = await create()
      const { code, sessionKey } = t.wechat.loginCode(ALICE)
      const encrypted = encryptUserData(MAINLAND, sessionKey, t.wechat.appId)
      const res = await t.request
        .post('/hserve/v2.5/idp/wechat/phone-login/')
        .set(CLIENT)
        .send({ ...encrypted, create_user: true, code })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.equal(res.body.user_info._phone, '13800138000')
      assert.ok(!JSON.stringify(res.body).includes(sessionKey))
    })

    it("sets the signed-in user's phone, keeps one with overwrite false", async () => {
      const t = await create()
      const { id, token } = await signedIn(t, ALICE)
      const set = await phoneUpdate(t, token)
      assert.equal(set.status, 200, JSON.stringify(set.body))
      assert.deepEqual([set.body.id, set.body._phone, set.body._phone_verified], [id, '13800138000', true])
      const other = { phoneNumber: '13900139000', purePhoneNumber: '13900139000', countryCode: '86' }
      assertError(await phoneUpdate(t, token, other, false), 400, 'invalid_request', 'phone')
      assert.equal((await t.store.getUserById(id))?.phone, '13800138000')
      const replaced = await phoneUpdate(t, token, other, true)
      assert.equal(replaced.body._phone, '13900139000')
      const international = await phoneUpdate(t, token, { phoneNumber: '+85261234567', purePhoneNumber: '61234567', countryCode: '852' })
      assert.equal(international.body._phone, '+85261234567')
      assertError(await t.request.put('/hserve/v2.7/idp/wechat/phone-verification/').set(CLIENT).send({ phone_code: 'x' }), 401, 'unauthenticated')
    })

    it('needs a recent sign-in to change the phone of an account with a password', async () => {
      const t = await create()
      const owner = await t.signUp('username', 'carol')
      t.clock.advance(301)
      assertError(await phoneUpdate(t, owner.token), 400, 'invalid_request', 'password')
      assert.equal((await t.store.getUserById(owner.id))?.phone, null)
      const fresh = await t.login('username', 'carol')
      const set = await phoneUpdate(t, fresh)
      assert.equal(set.status, 200, JSON.stringify(set.body))
      assert.equal(set.body._phone, '13800138000')
    })

    it('refuses a phone code of another app', async () => {
      const t = await create()
      const res = await t.request
        .post('/hserve/v2.7/idp/wechat/phone-login/')
        .set(CLIENT)
        .send({ create_user: true, code: t.wechat.loginCode(ALICE).code, phone_code: t.wechat.phoneCode(MAINLAND, { watermarkAppId: 'wx-other' }) })
      assertError(res, 400, 'provider_failed')
      assert.equal(await countUsers(t.store), 0)
    })
  })
}
