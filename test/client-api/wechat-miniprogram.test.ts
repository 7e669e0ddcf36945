/**
 * WeChat mini program sign-in through HTTP, as the MinApp SDK's mini program build sends it, with
 * WechatMiniProgramApi on a stand-in for WeChat's server API, on the in-memory backend, SQLite and
 * PostgreSQL + Redis: silent sign-in, unionid, linking, and the profile from signed user data.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { assertError, backendSkips, CLIENT, closeTestApps, countUsers, EVERY_BACKEND, releaseTestResources } from '../helpers/test-app.js'
import { assertNoSessionKey, createWechatTestApp, signedIn, silentLogin, userInfoBody, type WechatTestApp } from '../helpers/wechat-miniprogram-app.js'

const skip = await backendSkips()
after(releaseTestResources)

const ALICE = { openId: 'o-alice', unionId: 'u-alice' }
const PROFILE = { nickName: 'Alice', avatarUrl: 'https://thirdwx.qlogo.cn/alice/132', gender: 2, country: 'China', province: 'Guangdong', city: 'Shenzhen', language: 'zh_CN' }

for (const backend of EVERY_BACKEND) {
  describe(`client API WeChat mini program sign-in (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = () => createWechatTestApp(backend, 'wechat-mp')
    const userInfo = (t: WechatTestApp, token: string, body: Record<string, unknown>) => t.request.put('/hserve/v2.6/idp/wechat/user/info/').set(t.auth(token)).send(body)

    it('creates one user on the first silent sign-in and signs into it on the next', async () => {
      const t = await create()
      const first = await silentLogin(t, ALICE)
      assert.equal(first.status, 201, JSON.stringify(first.body))
      assert.match(first.headers['cache-control'] ?? '', /no-store/)
      assert.equal(typeof first.body.token, 'string')
      assert.equal(typeof first.body.expires_in, 'number')
      assert.deepEqual([first.body.openid, first.body.unionid], [ALICE.openId, ALICE.unionId])
      const id = first.body.user_info.id as number
      assert.equal(first.body.user_id, id)
      const me = await t.request.get(`/hserve/v2.2/user/info/${id}/`).set(t.auth(first.body.token))
      assert.equal(me.status, 200)

      const again = await silentLogin(t, ALICE, { create_user: false })
      assert.equal(again.status, 201, JSON.stringify(again.body))
      assert.equal(again.body.user_info.id, id)
      assert.equal(await countUsers(t.store), 1)
      const user = await t.store.getUserById(id)
      assert.deepEqual(
        user?.identities.map((i) => [i.provider, i.subject, i.unionId]),
        [['wechat', ALICE.openId, ALICE.unionId]],
      )
      assert.deepEqual(
        t.events.filter((e) => ['registered', 'login'].includes(e.type)).map((e) => [e.type, e.method]),
        [
          ['registered', 'wechat'],
          ['login', 'wechat'],
          ['login', 'wechat'],
        ],
      )
    })

    it('serves no redirect sign-in routes when the mini program is the only provider', async () => {
      const t = await create()
      const res = await t.request.post('/hserve/v2.0/idp/wechat/redirect/').set(CLIENT).send({ callback_url: 'https://app.example.com/' })
      assert.equal(res.status, 404)
    })

    it('answers 404 and creates nothing for an unknown openid with create_user false', async () => {
      const t = await create()
      assertError(await silentLogin(t, ALICE, { create_user: false }), 404, 'user_not_found')
      assert.equal(await countUsers(t.store), 0)
    })

    it('refuses a used or unknown code with 400 and creates nothing', async () => {
      const t = await create()
      const { code } = t.wechat.loginCode(ALICE)
      const send = (body: object) => t.request.post('/hserve/v2.5/idp/wechat/silent-login/').set(CLIENT).send(body)
      assert.equal((await send({ code, create_user: true, login_with_unionid: false })).status, 201)
      assertError(await send({ code, create_user: true, login_with_unionid: false }), 400, 'provider_failed')
      assertError(await send({ code: 'made-up', create_user: true, login_with_unionid: false }), 400, 'provider_failed')
      assertError(await send({ create_user: true }), 400, 'invalid_request', 'code')
      assert.equal(await countUsers(t.store), 1)
    })

    it("with login_with_unionid links a second mini program's openid to the unionid's user", async () => {
      const t = await create()
      const first = await signedIn(t, ALICE)
      const other = { openId: 'o-alice-other-app', unionId: ALICE.unionId }
      const linked = await silentLogin(t, other, { login_with_unionid: true })
      assert.equal(linked.status, 201, JSON.stringify(linked.body))
      assert.equal(linked.body.user_info.id, first.id)
      assert.equal(linked.body.openid, other.openId)
      const user = await t.store.getUserById(first.id)
      assert.deepEqual(user?.identities.map((i) => i.subject).sort(), [ALICE.openId, other.openId].sort())
      // Without it, an unknown openid is a new user even when its unionid is known.
      const separate = await silentLogin(t, { openId: 'o-third', unionId: ALICE.unionId })
      assert.notEqual(separate.body.user_info.id, first.id)
      assert.equal(await countUsers(t.store), 2)
    })

    it('creates exactly one user for 10 concurrent first sign-ins of one openid', async () => {
      const t = await create()
      const answers = await Promise.all(Array.from({ length: 10 }, () => silentLogin(t, ALICE)))
      for (const res of answers) assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.equal(new Set(answers.map((res) => res.body.user_info.id)).size, 1)
      assert.equal(await countUsers(t.store), 1)
    })

    it('never puts a session key in an answer', async () => {
      const t = await create()
      const keys: string[] = []
      const login = t.wechat.loginCode(ALICE)
      keys.push(login.sessionKey)
      const res = await t.request.post('/hserve/v2.5/idp/wechat/silent-login/').set(CLIENT).send({ code: login.code, create_user: true, login_with_unionid: false })
      const body = userInfoBody(t, ALICE, PROFILE)
      const info = await userInfo(t, res.body.token, body)
      const bad = await userInfo(t, res.body.token, { ...userInfoBody(t, ALICE, PROFILE), signature: '0'.repeat(40) })
      const user = await t.store.getUserById(res.body.user_info.id)
      assertNoSessionKey(keys, res.body, info.body, bad.body, user, t.events, t.logger.warnings)
      assert.deepEqual(t.logger.errors, [])
    })

    it('signs in (or creates) by signed and encrypted user data on the authenticate route, checking them first', async () => {
      const t = await create()
      const authenticate = (body: Record<string, unknown>) => t.request.post('/hserve/v2.5/idp/wechat/authenticate/').set(CLIENT).send(body)
      const refusedBody = { ...userInfoBody(t, ALICE, PROFILE), create_user: true, signature: '0'.repeat(40) }
      const refused = await authenticate(refusedBody)
      assert.equal(refused.status, 400, JSON.stringify(refused.body))
      assert.equal(refused.body.code, 'provider_failed')
      assert.equal(await countUsers(t.store), 0)
      assert.equal((await authenticate({ ...userInfoBody(t, ALICE, PROFILE), create_user: false })).status, 404)
      assert.equal(await countUsers(t.store), 0)
      const first = await authenticate({ ...userInfoBody(t, ALICE, PROFILE), create_user: true })
      assert.equal(first.status, 201, JSON.stringify(first.body))
      assert.deepEqual([first.body.openid, first.body.user_info.nickname, first.body.user_info.city], [ALICE.openId, 'Alice', 'Shenzhen'])
      const again = await authenticate({ ...userInfoBody(t, ALICE, { ...PROFILE, nickName: 'Alicia' }, 'overwrite'), create_user: true })
      assert.equal(again.status, 201)
      assert.deepEqual([again.body.user_info.id, again.body.user_info.nickname], [first.body.user_info.id, 'Alicia'])
      assert.equal(await countUsers(t.store), 1)
    })

    it('fills the profile from signed and encrypted user data as update_userprofile says', async () => {
      const t = await create()
      const { id, token } = await signedIn(t, ALICE)
      const filled = await userInfo(t, token, userInfoBody(t, ALICE, PROFILE, 'setnx'))
      assert.equal(filled.status, 200, JSON.stringify(filled.body))
      assert.deepEqual(
        [filled.body.id, filled.body.nickname, filled.body.avatar, filled.body.gender, filled.body.city, filled.body.language],
        [id, 'Alice', PROFILE.avatarUrl, 2, 'Shenzhen', 'zh_CN'],
      )
      const { subject, unionid, linked_at: _linkedAt, ...said } = filled.body._provider.wechat
      assert.deepEqual([subject, unionid], [ALICE.openId, ALICE.unionId])
      assert.deepEqual(said, PROFILE, 'the decrypted data without its watermark')

      const renamed = { ...PROFILE, nickName: 'Alicia', city: 'Guangzhou' }
      const kept = await userInfo(t, token, userInfoBody(t, ALICE, renamed, 'setnx'))
      assert.deepEqual([kept.body.nickname, kept.body.city], ['Alice', 'Shenzhen'])
      const untouched = await userInfo(t, token, userInfoBody(t, ALICE, renamed, 'false'))
      assert.deepEqual([untouched.body.nickname, untouched.body.city], ['Alice', 'Shenzhen'])
      const overwritten = await userInfo(t, token, userInfoBody(t, ALICE, renamed, 'overwrite'))
      assert.deepEqual([overwritten.body.nickname, overwritten.body.city], ['Alicia', 'Guangzhou'])
    })

    it('refuses a wrong signature, another app, tampered data, a used code, and changes nothing', async () => {
      const t = await create()
      const { id, token } = await signedIn(t, ALICE)
      const before = await t.store.getUserById(id)
      const good = userInfoBody(t, ALICE, PROFILE)
      const tampered = Buffer.from(good.encryptedData, 'base64')
      tampered[5] = tampered[5]! ^ 1
      const refused = [
        { ...userInfoBody(t, ALICE, PROFILE), signature: '0'.repeat(40) },
        { ...userInfoBody(t, ALICE, PROFILE), rawData: JSON.stringify({ ...PROFILE, nickName: 'Mallory' }) },
        userInfoBody(t, ALICE, PROFILE, 'overwrite', 'wx-another-app'),
        { ...good, encryptedData: tampered.toString('base64') },
      ]
      for (const body of refused) assertError(await userInfo(t, token, body), 400, 'provider_failed')
      assertError(await userInfo(t, token, good), 400, 'provider_failed')
      assert.deepEqual(await t.store.getUserById(id), before)
      assertError(
        await t.request
          .put('/hserve/v2.6/idp/wechat/user/info/')
          .set(CLIENT)
          .send(userInfoBody(t, ALICE, PROFILE)),
        401,
        'unauthenticated',
      )
    })

    it("refuses another user's WeChat data in the profile route", async () => {
      const t = await create()
      await signedIn(t, ALICE)
      const bob = await t.signUp('username', 'bob')
      assertError(await userInfo(t, bob.token, userInfoBody(t, ALICE, PROFILE)), 400, 'identity_taken')
      assertError(await userInfo(t, bob.token, userInfoBody(t, { openId: 'o-nobody' }, PROFILE)), 400, 'provider_failed')
      assert.equal((await t.store.getUserById(bob.id))?.nickname, '')
    })

    it("links the code's openid to the signed-in user, and refuses one another user holds", async () => {
      const t = await create()
      const bob = await t.signUp('username', 'bob')
      const associate = (user: { openId: string }, token: string) =>
        t.request
          .post('/hserve/v2.4/idp/wechat/user-associate/')
          .set(t.auth(token))
          .send({ code: t.wechat.loginCode(user).code, associate_with_unionid: false })
      const linked = await associate({ openId: 'o-bob' }, bob.token)
      assert.equal(linked.status, 200, JSON.stringify(linked.body))
      const again = await silentLogin(t, { openId: 'o-bob' }, { create_user: false })
      assert.equal(again.body.user_info.id, bob.id)
      assert.equal(t.events.filter((e) => e.type === 'identity_linked').length, 1)

      await signedIn(t, ALICE)
      assertError(await associate(ALICE, bob.token), 400, 'identity_taken')
      assert.deepEqual(
        (await t.store.getUserById(bob.id))?.identities.map((i) => i.subject),
        ['o-bob'],
      )
      assertError(
        await t.request
          .post('/hserve/v2.4/idp/wechat/user-associate/')
          .set(CLIENT)
          .send({ code: t.wechat.loginCode(ALICE).code }),
        401,
        'unauthenticated',
      )
    })
  })
}
