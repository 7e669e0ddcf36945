/**
 * Real answers match the OpenAPI document: a success and an error of every route of the client
 * API, the admin API, the phone API and OAuth, sent through an app with every family on, each
 * validated against the response schema the document gives for its status (Ajv, JSON Schema
 * 2020-12). Every documented operation must be exercised, so a new route needs a check here.
 * On the in-memory backend: the shapes of the answers do not depend on the store.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openApiDocument } from '../../src/index.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { AUTH_PAGE, PROVIDER, providerCallback } from '../helpers/identity-app.js'
import { StandInIdentityServer } from '../helpers/identity-provider.js'
import { linkIn, pathAndToken, RecordingMailer } from '../helpers/recording-mailer.js'
import { CLIENT, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { sessionCookie } from '../admin-api/admin-app.js'
import { basic, createPhoneTestApp, OAUTH_CLIENT, type PhoneTestApp } from '../phone-api/phone-app.js'
import { ResponseChecker } from './response-check.js'
import { type StandInUser, startWechatApiStandIn, type WechatApiStandIn } from '../helpers/wechat-api-stand-in.js'
import { encryptUserData, signRawData } from '../helpers/wechat-user-data.js'
import { WechatMiniProgramApi } from '../../adapters/wechat-miniprogram/index.js'

const JSON_ACCEPT = { Accept: 'application/json' }
const HTML_ACCEPT = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }
const NEW_PASSWORD = 'battery staple 2'
/** Operations without a documented error answer. */
const NO_ERROR_ANSWER = ['get /openapi.json']

after(releaseTestResources)

describe('responses match the OpenAPI document', () => {
  const mailer = new RecordingMailer()
  const admins = new Set<string>()
  let t: PhoneTestApp
  let c: ResponseChecker
  let standIn: StandInIdentityServer
  let wechat: WechatApiStandIn

  before(async () => {
    standIn = await StandInIdentityServer.start()
    wechat = await startWechatApiStandIn()
    const wechatMiniProgram = new WechatMiniProgramApi({ appId: wechat.appId, appSecret: wechat.appSecret, apiBase: wechat.apiBase })
    t = await createPhoneTestApp('memory', 'responses', {
      identityProviders: { providers: { [PROVIDER]: standIn.provider() }, allowedCallbackOrigins: ['https://app.example.com'], wechatMiniProgram },
      mailer,
      anonymousLogin: true,
      openApi: { path: '/openapi.json' },
      sessionSecret: 'a test secret of at least 32 characters',
      admin: { authorize: (user) => user.username !== null && admins.has(user.username) },
      profileFields: { score: 'integer', tags: { type: 'array', items: 'string' }, born: 'date', bio: { type: 'string', maxLength: 500, public: false } },
    })
    c = new ResponseChecker(openApiDocument(t.router))
  })
  after(async () => {
    await standIn.close()
    await wechat.close()
  })

  it('the client API: sign-up, sign-in, sessions', async () => {
    for (const version of ['v2.0', 'v2.1']) {
      for (const kind of ['username', 'email'] as const) {
        const name = kind === 'email' ? `${version}@example.com` : `user${version.replace('.', '')}`
        c.check(
          await t.request
            .post(`/hserve/${version}/register/${kind}/`)
            .set(CLIENT)
            .send({ [kind]: name, password: PASSWORD }),
        )
        c.check(
          await t.request
            .post(`/hserve/${version}/register/${kind}/`)
            .set(CLIENT)
            .send({ [kind]: name }),
        )
        c.check(
          await t.request
            .post(`/hserve/${version}/login/${kind}/`)
            .set(CLIENT)
            .send({ [kind]: name, password: PASSWORD }),
        )
        c.check(
          await t.request
            .post(`/hserve/${version}/login/${kind}/`)
            .set(CLIENT)
            .send({ [kind]: name, password: 'wrong password 9' }),
        )
      }
    }
    c.check(await t.request.post('/hserve/v2.1/register/phone/').set(CLIENT).send({ phone: '13800138001', password: PASSWORD }))
    c.check(await t.request.post('/hserve/v2.1/register/phone/').set(CLIENT).send({ phone: 'not a phone', password: PASSWORD }))
    const phoneLogin = c.check(await t.request.post('/hserve/v2.1/login/phone/').set(CLIENT).send({ phone: '13800138001', password: PASSWORD }))
    const phoneAuth = t.auth(phoneLogin.body.token)
    const sessions = c.check(await t.request.get('/hserve/v2.0/user/sessions/').set(phoneAuth))
    c.check(await t.request.get('/hserve/v2.0/user/sessions/').set(CLIENT))
    const other = (sessions.body.objects as { id: string; current: boolean }[]).find((s) => !s.current)!
    c.check(await t.request.delete(`/hserve/v2.0/user/sessions/${other.id}/`).set(phoneAuth))
    c.check(await t.request.delete(`/hserve/v2.0/user/sessions/${other.id}/`).set(phoneAuth))
    c.check(await t.request.post('/hserve/v2.0/user/sessions/destroy-others/').set(phoneAuth).send({}))
    c.check(await t.request.post('/hserve/v2.0/user/sessions/destroy-others/').set(CLIENT).send({}))
    c.check(await t.request.get('/hserve/v2.0/user/export/').set(phoneAuth))
    c.check(await t.request.get('/hserve/v2.0/user/export/').set(CLIENT))
    c.check(await t.request.post('/hserve/v2.1/login/phone/').send({ phone: '13800138001', password: PASSWORD }))
    const anonymous = c.check(await t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT).send({}))
    c.check(await t.request.post('/hserve/v2.0/login/anonymous/').send({}))
    c.check(await t.request.post('/hserve/v2.0/session/destroy/').set(t.auth(anonymous.body.token)).send({}))
    c.check(await t.request.post('/hserve/v2.0/session/destroy/').set(t.auth(anonymous.body.token)).send({}))
  })

  it('the client API: users and accounts', async () => {
    const { id, token } = await t.signUp('username', 'reader')
    const auth = t.auth(token)
    c.check(
      await t.request
        .put('/hserve/v2.5/user/info/')
        .set(auth)
        .send({ nickname: 'Reader', score: 3, tags: ['a'], born: '2000-01-02T00:00:00.000Z', bio: 'hidden' }),
    )
    c.check(await t.request.put('/hserve/v2.5/user/info/').set(auth).send({ no_such_field: 1 }))
    for (const version of ['v2.0', 'v2.2', 'v2.5']) {
      c.check(await t.request.get(`/hserve/${version}/user/info/${id}/`).set(auth))
      c.check(await t.request.get(`/hserve/${version}/user/info/${id}`).set(CLIENT))
      c.check(await t.request.get(`/hserve/${version}/user/info/999999/`).set(auth))
      c.check(await t.request.get(`/hserve/${version}/user/info/${id}/`).set(auth).query({ keys: 'nickname' }))
    }
    for (const version of ['v2.0', 'v2.2']) {
      c.check(await t.request.get(`/hserve/${version}/user/info/`).set(auth).query({ return_total_count: 1 }))
      c.check(await t.request.get(`/hserve/${version}/user/info/`).set(auth).query({ keys: '-id,-created_at' }))
      c.check(await t.request.get(`/hserve/${version}/user/info/`).set(auth).query({ where: '{not json' }))
    }
    for (const version of ['v2.0', 'v2.1', 'v2.2']) {
      const name = `renamed${version.replace('.', '')}`
      c.check(await t.request.put(`/hserve/${version}/user/account/`).set(auth).send({ username: name }))
      c.check(
        await t.request
          .put(`/hserve/${version}/user/account/`)
          .set(auth)
          .send({ username: 'x'.repeat(400) }),
      )
    }
  })

  it('the client API: SMS codes', async () => {
    const phones = ['13800138011', '13800138012', '13800138013']
    c.check(await t.request.post('/hserve/v1.8/sms-verification-code/').set(CLIENT).send({ phone: phones[0] }))
    c.check(await t.request.post('/hserve/v1.8/sms-verification-code/').set(CLIENT).send({ phone: 'not a phone' }))
    c.check(await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone: phones[1] }))
    c.check(await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({}))
    c.check(await t.request.post('/hserve/v1.8/sms-verification-code/verify/').set(CLIENT).send({ phone: phones[0], code: '000000' }))
    c.check(
      await t.request
        .post('/hserve/v1.8/sms-verification-code/verify/')
        .set(CLIENT)
        .send({ phone: phones[0], code: t.outbox.lastCode(phones[0]!) }),
    )
    c.check(await t.request.post('/hserve/v2.1/login/sms/').set(CLIENT).send({ phone: phones[1], code: '000000' }))
    const signedIn = c.check(
      await t.request
        .post('/hserve/v2.1/login/sms/')
        .set(CLIENT)
        .send({ phone: phones[1], code: t.outbox.lastCode(phones[1]!) }),
    )
    const { token } = await t.signUp('phone', phones[2]!)
    c.check(await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone: phones[2] }))
    c.check(
      await t.request
        .post('/hserve/v2.1/sms-phone-verification/')
        .set(CLIENT)
        .send({ code: t.outbox.lastCode(phones[2]!) }),
    )
    c.check(
      await t.request
        .post('/hserve/v2.1/sms-phone-verification/')
        .set(t.auth(token))
        .send({ code: t.outbox.lastCode(phones[2]!) }),
    )
    assert.equal(signedIn.status, 201)
  })

  it('the client API: e-mail verification and password reset', async () => {
    const { token } = await t.signUp('email', 'mail@example.com')
    c.check(await t.request.post('/hserve/v2.0/user/email-verify/').set(CLIENT).send({}))
    c.check(await t.request.post('/hserve/v2.0/user/email-verify/').set(t.auth(token)).send({}))
    const verify = pathAndToken(linkIn(mailer.last()))
    c.check(await t.request.get('/hserve/v2.0/user/email-verify/confirm/').query({ token: 'made-up' }).set(JSON_ACCEPT))
    c.check(await t.request.get(verify.path).set(JSON_ACCEPT))
    // Another address: the first one was just sent a mail, and waits out its cooldown.
    const other = await t.signUp('email', 'reset@example.com')
    await t.store.updateUser(other.id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }], updatedAt: 1 })
    c.check(await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({}))
    c.check(await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: 'reset@example.com' }))
    const reset = pathAndToken(linkIn(mailer.last()))
    c.check(await t.request.get('/hserve/v2.0/user/password/reset/confirm/').query({ token: 'made-up' }).set(JSON_ACCEPT))
    c.check(await t.request.get(reset.path).set(JSON_ACCEPT))
    c.check(await t.request.post('/hserve/v2.0/user/password/reset/confirm/').set(JSON_ACCEPT).send({ token: reset.token, password: 'short' }))
    c.check(await t.request.post('/hserve/v2.0/user/password/reset/confirm/').set(JSON_ACCEPT).send({ token: reset.token, password: NEW_PASSWORD }))
  })

  it('the client API: the pages behind the e-mail links, as a browser gets them', async () => {
    const { token } = await t.signUp('email', 'browser@example.com')
    c.check(await t.request.post('/hserve/v2.0/user/email-verify/').set(t.auth(token)).send({}))
    const verify = pathAndToken(linkIn(mailer.last()))
    c.check(await t.request.get(verify.path).set(HTML_ACCEPT))
    c.check(await t.request.get(verify.path).set(HTML_ACCEPT))
    await t.signUp('email', 'browser-reset@example.com')
    c.check(await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: 'browser-reset@example.com' }))
    const reset = pathAndToken(linkIn(mailer.last()))
    c.check(await t.request.get(reset.path))
    c.check(await t.request.get('/hserve/v2.0/user/password/reset/confirm/').query({ token: 'made-up' }))
    c.check(await t.request.post(reset.path).type('form').send({ password: 'short' }))
    c.check(await t.request.post(reset.path).type('form').send({ password: NEW_PASSWORD }))
  })

  it('the client API: third-party sign-in', async () => {
    const idp = `/hserve/v2.0/idp/${PROVIDER}`
    c.check(await t.request.post(`${idp}/redirect/`).set(CLIENT).send({ callback_url: AUTH_PAGE }))
    c.check(await t.request.post(`${idp}/redirect/`).set(CLIENT).send({ callback_url: 'https://evil.example.com/' }))
    c.check(await t.request.post('/hserve/v2.0/idp/nobody/redirect/').set(CLIENT).send({ callback_url: AUTH_PAGE }))
    /** The router's callback of a new sign-in, as a path; and the auth token it hands the page. */
    const callbackPath = async (startedBy?: string) => {
      const url = new URL(await providerCallback(t, AUTH_PAGE, startedBy))
      return `${url.pathname}${url.search}`
    }
    const authToken = async (startedBy?: string) => {
      const res = c.check(await t.request.get(await callbackPath(startedBy)).set(HTML_ACCEPT))
      return new URL(res.headers.location!).searchParams.get('token')!
    }
    const used = await callbackPath()
    c.check(await t.request.get(used).set(HTML_ACCEPT))
    c.check(await t.request.get(used).set(HTML_ACCEPT))
    c.check(await t.request.get(used).set(JSON_ACCEPT))
    c.check(await t.request.get('/hserve/v2.0/idp/nobody/callback/').set(HTML_ACCEPT))
    c.check(await t.request.get('/hserve/v2.0/idp/nobody/callback/').set(JSON_ACCEPT))
    const signedIn = c.check(
      await t.request
        .post(`${idp}/authenticate/`)
        .set(CLIENT)
        .send({ auth_token: await authToken(), create_user: true, update_userprofile: 'setnx' }),
    )
    c.check(
      await t.request
        .post(`${idp}/authenticate/`)
        .set(CLIENT)
        .send({ auth_token: await authToken(), create_user: false }),
    )
    c.check(
      await t.request
        .post(`${idp}/authenticate/`)
        .set(CLIENT)
        .send({ auth_token: 'x'.repeat(43) }),
    )
    c.check(
      await t.request
        .post('/hserve/v2.5/idp/nobody/silent-login/')
        .set(CLIENT)
        .send({ auth_token: 'x'.repeat(43) }),
    )
    c.check(
      await t.request
        .post(`/hserve/v2.5/idp/${PROVIDER}/silent-login/`)
        .set(CLIENT)
        .send({ auth_token: await authToken(), create_user: true }),
    )
    c.check(await t.request.post(`/hserve/v2.5/idp/${PROVIDER}/silent-login/`).set(CLIENT).send({}))
    const other = await t.signUp('username', 'linker')
    c.check(
      await t.request
        .post(`${idp}/user-association/`)
        .set(t.auth(other.token))
        .send({ auth_token: await authToken(other.token), update_userprofile: 'setnx' }),
    )
    c.check(
      await t.request
        .post(`${idp}/user-association/`)
        .set(CLIENT)
        .send({ auth_token: await authToken() }),
    )
    standIn.signInAs({ subject: 'someone-else' })
    c.check(
      await t.request
        .post(`${idp}/user-association/`)
        .set(t.auth(signedIn.body.token))
        .send({ auth_token: await authToken(signedIn.body.token) }),
    )
  })

  it('the client API: WeChat mini program', async () => {
    const alice = { openId: 'o-openapi', unionId: 'u-openapi' }
    const phone = { phoneNumber: '13800138031', purePhoneNumber: '13800138031', countryCode: '86' }
    const code = (user: StandInUser = alice) => wechat.loginCode(user).code
    const silent = '/hserve/v2.5/idp/wechat/silent-login/'
    c.check(await t.request.post(silent).set(CLIENT).send({ code: code(), create_user: false, login_with_unionid: false }))
    const signedIn = c.check(await t.request.post(silent).set(CLIENT).send({ code: code(), create_user: true, login_with_unionid: false }))
    const auth = t.auth(signedIn.body.token)
    const associate = '/hserve/v2.4/idp/wechat/user-associate/'
    const other = await t.signUp('username', 'wechat-linker')
    c.check(
      await t.request
        .post(associate)
        .set(t.auth(other.token))
        .send({ code: code({ openId: 'o-linked' }), associate_with_unionid: false }),
    )
    c.check(await t.request.post(associate).set(t.auth(other.token)).send({ code: code() }))
    const login = wechat.loginCode(alice)
    const profile = JSON.stringify({ nickName: 'Alice', gender: 2 })
    const info = {
      rawData: profile,
      signature: signRawData(profile, login.sessionKey),
      ...encryptUserData({ nickName: 'Alice', gender: 2 }, login.sessionKey, wechat.appId),
      code: login.code,
      update_userprofile: 'setnx',
    }
    c.check(await t.request.put('/hserve/v2.6/idp/wechat/user/info/').set(auth).send(info))
    c.check(await t.request.put('/hserve/v2.6/idp/wechat/user/info/').set(auth).send(info))
    const fresh = wechat.loginCode({ openId: 'o-authenticated' })
    const signed = { rawData: profile, signature: signRawData(profile, fresh.sessionKey), ...encryptUserData({ nickName: 'Alice', gender: 2 }, fresh.sessionKey, wechat.appId) }
    const authenticate = '/hserve/v2.5/idp/wechat/authenticate/'
    c.check(
      await t.request
        .post(authenticate)
        .set(CLIENT)
        .send({ ...signed, code: fresh.code, create_user: true }),
    )
    c.check(
      await t.request
        .post(authenticate)
        .set(CLIENT)
        .send({ ...signed, code: fresh.code, create_user: true }),
    )
    const phoneLogin = '/hserve/v2.7/idp/wechat/phone-login/'
    c.check(
      await t.request
        .post(phoneLogin)
        .set(CLIENT)
        .send({ code: code(), phone_code: wechat.phoneCode(phone), create_user: true }),
    )
    c.check(
      await t.request
        .post(phoneLogin)
        .set(CLIENT)
        .send({ code: code({ openId: 'o-phone-taken' }), phone_code: wechat.phoneCode(phone), create_user: true }),
    )
    const oldLogin = wechat.loginCode({ openId: 'o-old-base-library' })
    const encrypted = encryptUserData({ ...phone, phoneNumber: '13800138032', purePhoneNumber: '13800138032' }, oldLogin.sessionKey, wechat.appId)
    c.check(
      await t.request
        .post('/hserve/v2.5/idp/wechat/phone-login/')
        .set(CLIENT)
        .send({ code: oldLogin.code, ...encrypted, create_user: true }),
    )
    c.check(await t.request.post('/hserve/v2.5/idp/wechat/phone-login/').set(CLIENT).send({ code: code(), create_user: true }))
    const verification = '/hserve/v2.7/idp/wechat/phone-verification/'
    c.check(
      await t.request
        .put(verification)
        .set(t.auth(other.token))
        .send({ phone_code: wechat.phoneCode({ ...phone, phoneNumber: '13800138033', purePhoneNumber: '13800138033' }), overwrite: true }),
    )
    c.check(
      await t.request
        .put(verification)
        .set(t.auth(other.token))
        .send({ phone_code: wechat.phoneCode(phone), overwrite: true }),
    )
  })

  it('the client API: account deletion', async () => {
    const leaver = await t.signUp('username', 'leaver')
    c.check(await t.request.post('/hserve/v2.0/user/account/destroy/').set(t.auth(leaver.token)).send({}))
    c.check(await t.request.post('/hserve/v2.0/user/account/destroy/').set(t.auth(leaver.token)).send({ password: PASSWORD }))

    const phone = '13800138021'
    await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone })
    const bySms = await t.request
      .post('/hserve/v2.1/login/sms/')
      .set(CLIENT)
      .send({ phone, code: t.outbox.lastCode(phone) })
    c.check(await t.request.post('/hserve/v2.0/user/account/destroy/code/').set(CLIENT).send({}))
    await new Promise((resolve) => setTimeout(resolve, 1100)) // the phone's cooldown
    c.check(await t.request.post('/hserve/v2.0/user/account/destroy/code/').set(t.auth(bySms.body.token)).send({}))

    const anonymous = await t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT).send({})
    const operations = [
      { kind: 'set', field: INTERNAL_FIELDS.email, value: 'leaving@example.com' },
      { kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true },
    ] as const
    await t.store.updateUser(anonymous.body.id, { operations: [...operations], updatedAt: 1 })
    c.check(await t.request.post('/hserve/v2.0/user/account/destroy/email/').set(t.auth(bySms.body.token)).send({}))
    c.check(await t.request.post('/hserve/v2.0/user/account/destroy/email/').set(t.auth(anonymous.body.token)).send({}))
    const link = pathAndToken(linkIn(mailer.last()))
    c.check(await t.request.get('/hserve/v2.0/user/account/destroy/email/confirm/').query({ token: 'made-up' }).set(JSON_ACCEPT))
    c.check(await t.request.get(link.path).set(JSON_ACCEPT))
    c.check(await t.request.get(link.path).set(HTML_ACCEPT))
    c.check(await t.request.post('/hserve/v2.0/user/account/destroy/email/confirm/').set(JSON_ACCEPT).send({ token: 'made-up' }))
    c.check(await t.request.post(link.path).type('form').send({ token: link.token }).set(HTML_ACCEPT))
  })

  it('the admin API', async () => {
    const { id } = await t.signUp('username', 'root')
    admins.add('root')
    c.check(await t.request.post('/userve/v1/login/').send({ username: 'root', password: 'wrong password 9' }))
    const login = c.check(await t.request.post('/userve/v1/login/').send({ username: 'root', password: PASSWORD }))
    const cookie = { Cookie: sessionCookie(login) }
    c.check(await t.request.get('/userve/v1/user-profile/').set(cookie))
    c.check(await t.request.get('/userve/v1/user-profile/'))
    c.check(await t.request.get('/userve/v2.2/miniapp/user_profile/').set(cookie).query({ return_total_count: 1 }))
    c.check(await t.request.get('/userve/v2.2/miniapp/user_profile/').set(cookie).query({ where: '{not json' }))
    c.check(await t.request.get(`/userve/v2.2/miniapp/user_profile/${id}/`).set(cookie))
    c.check(await t.request.get(`/userve/v2.2/miniapp/user_profile/${id}/`).set(cookie).query({ keys: 'nickname' }))
    c.check(await t.request.get('/userve/v2.2/miniapp/user_profile/').set(cookie).query({ keys: '-id,-created_at' }))
    c.check(await t.request.get('/userve/v2.2/miniapp/user_profile/999999/').set(cookie))
    c.check(await t.request.put(`/userve/v2.6/miniapp/user_profile/${id}/`).set(cookie).send({ nickname: 'Root', score: 1 }))
    c.check(await t.request.put('/userve/v2.6/miniapp/user_profile/999999/').set(cookie).send({ nickname: 'Nobody' }))
    c.check(
      await t.request
        .put('/userve/v2.6/miniapp/user_profile/')
        .set(cookie)
        .query({ return_total_count: 1 })
        .send({ tags: { $append_unique: ['vip'] } }),
    )
    c.check(await t.request.put('/userve/v2.6/miniapp/user_profile/').set(cookie).send({ no_such_field: 1 }))
    // A user the update cannot take: an error entry in a 200 answer.
    c.check(await t.request.put(`/userve/v2.6/miniapp/user_profile/${id}/`).set(cookie).send({ score: Number.MAX_SAFE_INTEGER }))
    const partly = c.check(
      await t.request
        .put('/userve/v2.6/miniapp/user_profile/')
        .set(cookie)
        .query({ id })
        .send({ score: { $incr_by: 1 } }),
    )
    assert.deepEqual(
      partly.body.operation_result.map((entry: object) => Object.keys(entry)),
      [['error']],
    )
    c.check(await t.request.put(`/userve/v2.2/miniapp/user/account/${id}/`).set(cookie).send({ email: 'root@example.com' }))
    c.check(await t.request.put('/userve/v2.2/miniapp/user/account/999999/').set(cookie).send({ email: 'none@example.com' }))
    const userSessions = c.check(await t.request.get(`/userve/v2.2/miniapp/user/sessions/${id}/`).set(cookie))
    c.check(await t.request.get('/userve/v2.2/miniapp/user/sessions/999999/').set(cookie))
    c.check(await t.request.delete(`/userve/v2.2/miniapp/user/sessions/${id}/${userSessions.body.objects[0].id}/`).set(cookie))
    c.check(await t.request.delete(`/userve/v2.2/miniapp/user/sessions/${id}/${userSessions.body.objects[0].id}/`).set(cookie))
    const deleted = await t.signUp('username', 'deleted-by-root')
    c.check(await t.request.delete(`/userve/v2.2/miniapp/user/account/${deleted.id}/`).set(cookie))
    c.check(await t.request.delete('/userve/v2.2/miniapp/user/account/999999/').set(cookie))
    c.check(await t.request.post('/userve/v1/logout/').set(cookie).set('Origin', 'https://evil.example').send({}))
    c.check(await t.request.post('/userve/v1/logout/').set(cookie).send({}))
  })

  it('the phone API and OAuth', async () => {
    const phone = '13900139001'
    c.check(await t.request.get('/api/v1/users/validation_code').query({ phone, type: 9 }))
    const registerCode = await t.codeFor(phone, 1) // checked below, with the other sends
    c.check(await t.request.post('/api/v1/users/register').send({ phone, validation_code: '000000' }))
    const registered = c.check(await t.request.post('/api/v1/users/register').send({ phone, validation_code: registerCode }))
    c.check(await t.request.post('/api/v1/users/login').send({ phone, validation_code: '000000' }))
    const loginCode = await t.codeFor(phone, 2)
    const login = c.check(await t.request.post('/api/v1/users/login').send({ phone, validation_code: loginCode }))
    const token = (params: Record<string, string>, client = OAUTH_CLIENT) => t.request.post('/oauth/token').set('Authorization', basic(client)).type('form').send(params)
    // The code of the sign-up is spent: signing in gave the phone a new one.
    c.check(await token({ grant_type: 'password', username: phone, password: registered.body.oauth_login_code }))
    c.check(await token({ grant_type: 'password', username: phone, password: login.body.oauth_login_code }, { id: OAUTH_CLIENT.id, secret: 'wrong' }))
    const tokens = c.check(await token({ grant_type: 'password', username: phone, password: login.body.oauth_login_code }))
    const bearer = { Authorization: `Bearer ${String(tokens.body.access_token)}` }
    c.check(await t.request.put('/api/v1/users/update').send({ name: 'gyb', password: PASSWORD, password_confirmation: PASSWORD }))
    c.check(await t.request.put('/api/v1/users/update').set(bearer).send({ name: 'gyb', password: PASSWORD, password_confirmation: PASSWORD }))
    c.check(await t.request.put('/api/v1/users/reset').send({ phone, validation_code: '000000', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }))
    const resetCode = await t.codeFor(phone, 3)
    c.check(await t.request.put('/api/v1/users/reset').send({ phone, validation_code: resetCode, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }))
    c.check(await t.request.post('/oauth/revoke').set('Authorization', basic(OAUTH_CLIENT)).type('form').send({}))
    c.check(
      await t.request
        .post('/oauth/revoke')
        .set('Authorization', basic(OAUTH_CLIENT))
        .type('form')
        .send({ token: String(tokens.body.refresh_token) }),
    )
    // A send checked here (those of codeFor are not): a register code for a phone of its own, with no cooldown to wait out.
    c.check(await t.request.get('/api/v1/users/validation_code').query({ phone: '13800138029', type: 1 }))
  })

  it('every family: bodies over the size limit, and limits on sending codes', async () => {
    const big = 'x'.repeat(2_000_000)
    c.check(await t.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username: big, password: PASSWORD }))
    c.check(await t.request.put('/userve/v2.6/miniapp/user_profile/').send({ nickname: big }))
    c.check(await t.request.post('/api/v1/users/login').send({ phone: big }))
    c.check(await t.request.post('/oauth/token').set('Authorization', basic(OAUTH_CLIENT)).type('form').send({ grant_type: big }))
    c.check(await t.request.post('/oauth/revoke').set('Authorization', basic(OAUTH_CLIENT)).type('form').send({ token: big }))
    for (let i = 0; i < 2; i++) c.check(await t.request.post('/hserve/v1.8/sms-verification-code/').set(CLIENT).send({ phone: '13800138021' }))
    for (let i = 0; i < 2; i++) c.check(await t.request.get('/api/v1/users/validation_code').query({ phone: '13800138022', type: 1 }))
    for (const route of ['post /oauth/token', 'post /oauth/revoke', 'put /userve/v2.6/miniapp/user_profile/']) assert.ok(c.hits.get(route)?.has(413), route)
  })

  it('every route: a body that is not valid JSON', async () => {
    for (const operation of c.documented()) {
      const [method, docPath] = operation.split(' ') as ['get' | 'post' | 'put' | 'delete', string]
      const path = docPath.replace(/\{[^}]+\}/g, '1')
      c.check(await t.request[method](path).set(CLIENT).set('Content-Type', 'application/json').send('{not json'))
    }
  })

  it('the document itself', async () => {
    c.check(await t.request.get('/openapi.json'))
  })

  it('exercised every documented operation, with a success and an error', () => {
    const documented = c.documented()
    assert.ok(documented.length > 40, `only ${documented.length} operations documented`)
    const missing = documented.filter((op) => !c.hits.has(op))
    assert.deepEqual(missing, [], 'documented operations no response was checked for')
    // A redirect (the providers' callback) is a success too.
    const withoutSuccess = documented.filter((op) => ![...(c.hits.get(op) ?? [])].some((s) => s < 400))
    assert.deepEqual(withoutSuccess, [], 'operations without a checked success')
    const withoutError = documented.filter((op) => !NO_ERROR_ANSWER.includes(op) && ![...(c.hits.get(op) ?? [])].some((s) => s >= 400))
    assert.deepEqual(withoutError, [], 'operations without a checked error')
  })
})
