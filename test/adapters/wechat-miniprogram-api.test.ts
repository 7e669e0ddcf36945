/** WechatMiniProgramApi against a stand-in for WeChat's server API, over HTTP on 127.0.0.1. */
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { decryptUserData, WechatMiniProgramApi } from '../../adapters/wechat-miniprogram/index.js'
import { type ErrorCode, UserRouterError } from '../../src/errors.js'
import { assertRevealsNone } from '../helpers/errors.js'
import { freePort } from '../helpers/local-servers.js'
import { startWechatApiStandIn, type WechatApiStandIn } from '../helpers/wechat-api-stand-in.js'
import { encryptUserData } from '../helpers/wechat-user-data.js'

const PHONE = { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' }

describe('WechatMiniProgramApi', () => {
  let wechat: WechatApiStandIn
  /** Every secret the tests handed out or WeChat answered: no error may show one. */
  const secrets: string[] = []

  before(async () => {
    wechat = await startWechatApiStandIn()
    secrets.push(wechat.appSecret)
  })
  after(() => wechat.close())

  function api(options: { timeoutMs?: number; appSecret?: string } = {}): WechatMiniProgramApi {
    return new WechatMiniProgramApi({ appId: wechat.appId, appSecret: options.appSecret ?? wechat.appSecret, apiBase: wechat.apiBase, timeoutMs: options.timeoutMs })
  }

  function login(user: { openId: string; unionId?: string }): string {
    const { code, sessionKey } = wechat.loginCode(user)
    secrets.push(code, sessionKey)
    return code
  }

  function phoneCode(options?: { watermarkAppId?: string }): string {
    const code = wechat.phoneCode(PHONE, options)
    secrets.push(code)
    return code
  }

  async function rejects(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<UserRouterError> {
    const error = await promise.then(
      () => assert.fail(`expected ${code}`),
      (thrown: unknown) => thrown,
    )
    assert.ok(error instanceof UserRouterError, String(error))
    assert.equal(error.code, code, error.message)
    if (message) assert.match(error.message, message)
    assertRevealsNone(error, [...secrets, ...wechat.issuedTokens])
    return error
  }

  describe('codeToSession', () => {
    it('exchanges a wx.login code for the openid, the unionid and the session key', async () => {
      const { code, sessionKey } = wechat.loginCode({ openId: 'o-alice', unionId: 'u-alice' })
      assert.deepEqual(await api().codeToSession(code), { openId: 'o-alice', unionId: 'u-alice', sessionKey })
    })

    it('answers a null unionid when WeChat sends none', async () => {
      const session = await api().codeToSession(login({ openId: 'o-bob' }))
      assert.equal(session.openId, 'o-bob')
      assert.equal(session.unionId, null)
    })

    it('gives each code its own person', async () => {
      const first = await api().codeToSession(login({ openId: 'o-carol' }))
      const second = await api().codeToSession(login({ openId: 'o-dave' }))
      assert.deepEqual([first.openId, second.openId], ['o-carol', 'o-dave'])
      assert.notEqual(first.sessionKey, second.sessionKey)
    })

    it('refuses a used code and an unknown one with provider_failed, naming the errcode', async () => {
      const code = login({ openId: 'o-erin' })
      await api().codeToSession(code)
      await rejects(api().codeToSession(code), 'provider_failed', /jscode2session: errcode 40163 \(code been used/)
      await rejects(api().codeToSession('no-such-code'), 'provider_failed', /errcode 40029 \(invalid code/)
      await rejects(api().codeToSession(''), 'provider_failed', /no code/)
    })

    it('answers provider_failed for a wrong app secret, without the secret', async () => {
      const wrongSecret = 'wrong-secret-0123456789'
      secrets.push(wrongSecret)
      await rejects(api({ appSecret: wrongSecret }).codeToSession(login({ openId: 'o-frank' })), 'provider_failed', /errcode 40125 \(invalid appsecret/)
    })

    it('answers provider_failed when WeChat rate-limits (45011)', async () => {
      wechat.answerNext('jscode2session', { body: { errcode: 45011, errmsg: 'api minute-quota reach limit mustslower retry next minute' } })
      await rejects(api().codeToSession(login({ openId: 'o-gina' })), 'provider_failed', /errcode 45011 \(api minute-quota/)
    })

    it('hides what WeChat echoes of the secret or the code', async () => {
      const code = login({ openId: 'o-hal' })
      wechat.answerNext('jscode2session', { body: { errcode: 40029, errmsg: `invalid code ${code} for secret ${wechat.appSecret}` } })
      await rejects(api().codeToSession(code), 'provider_failed', /errcode 40029 \(invalid code \[redacted\] for secret \[redacted\]\)/)
    })

    it('answers provider_failed for an answer that is not JSON or lacks the session key', async () => {
      wechat.answerNext('jscode2session', { body: '<html>bad gateway</html>' })
      await rejects(api().codeToSession(login({ openId: 'o-ivy' })), 'provider_failed', /not JSON/)
      wechat.answerNext('jscode2session', { body: { openid: 'o-ivy' } })
      await rejects(api().codeToSession(login({ openId: 'o-ivy' })), 'provider_failed', /no session_key/)
      wechat.answerNext('jscode2session', { status: 404, body: {} })
      await rejects(api().codeToSession(login({ openId: 'o-ivy' })), 'provider_failed', /HTTP 404/)
    })

    it('answers provider_unavailable for errcode -1 (system busy), HTTP 5xx and a timeout', async () => {
      wechat.answerNext('jscode2session', { body: { errcode: -1, errmsg: 'system error' } })
      await rejects(api().codeToSession(login({ openId: 'o-jan' })), 'provider_unavailable', /errcode -1/)
      wechat.answerNext('jscode2session', { status: 502, body: 'Bad Gateway' })
      await rejects(api().codeToSession(login({ openId: 'o-jan' })), 'provider_unavailable', /HTTP 502/)
      wechat.answerNext('jscode2session', { delayMs: 400 })
      await rejects(api({ timeoutMs: 100 }).codeToSession(login({ openId: 'o-jan' })), 'provider_unavailable', /no answer within 100 ms/)
    })

    it('answers provider_unavailable when nothing listens', async () => {
      const down = new WechatMiniProgramApi({ appId: wechat.appId, appSecret: wechat.appSecret, apiBase: `http://127.0.0.1:${await freePort()}` })
      await rejects(down.codeToSession(login({ openId: 'o-kim' })), 'provider_unavailable', /cannot be reached \(ECONNREFUSED\)/)
      await rejects(down.phoneNumber(phoneCode()), 'provider_unavailable', /token: cannot be reached/)
    })

    it('gives the session key that decrypts the user data of the same sign-in', async () => {
      const { code, sessionKey } = wechat.loginCode({ openId: 'o-lee', unionId: 'u-lee' })
      const { encryptedData, iv } = encryptUserData({ nickName: 'Lee', unionId: 'u-lee' }, sessionKey, wechat.appId)
      const session = await api().codeToSession(code)
      const data = decryptUserData(encryptedData, iv, session.sessionKey, wechat.appId)
      assert.equal(data.nickName, 'Lee')
    })
  })

  describe('phoneNumber', () => {
    it('exchanges a phone code for the number, fetching the access token once per instance', async () => {
      const client = api()
      const tokensBefore = wechat.requests.token
      assert.deepEqual(await client.phoneNumber(phoneCode()), { phone: '13800138000', purePhone: '13800138000', countryCode: '86' })
      await client.phoneNumber(phoneCode())
      await Promise.all([client.phoneNumber(phoneCode()), client.phoneNumber(phoneCode())])
      assert.equal(wechat.requests.token - tokensBefore, 1)
    })

    it('shares one token fetch between concurrent first calls', async () => {
      const client = api()
      const tokensBefore = wechat.requests.token
      await Promise.all([client.phoneNumber(phoneCode()), client.phoneNumber(phoneCode()), client.phoneNumber(phoneCode())])
      assert.equal(wechat.requests.token - tokensBefore, 1)
    })

    it('fetches a new token shortly before the old one expires', async () => {
      // Kept for half its life when that is under the usual margin: here 1 of 2 seconds.
      const shortLived = await startWechatApiStandIn({ tokenTtlSeconds: 2 })
      try {
        let now = Date.now()
        const client = new WechatMiniProgramApi({ appId: shortLived.appId, appSecret: shortLived.appSecret, apiBase: shortLived.apiBase, now: () => now })
        await client.phoneNumber(shortLived.phoneCode(PHONE))
        now += 900
        await client.phoneNumber(shortLived.phoneCode(PHONE))
        assert.equal(shortLived.requests.token, 1)
        now += 200
        await client.phoneNumber(shortLived.phoneCode(PHONE))
        assert.equal(shortLived.requests.token, 2)
      } finally {
        await shortLived.close()
      }
    })

    it('fetches a new token once when WeChat says the cached one is invalid (40001) or expired (42001)', async () => {
      const client = api()
      await client.phoneNumber(phoneCode())
      const tokensBefore = wechat.requests.token
      wechat.revokeTokens()
      assert.equal((await client.phoneNumber(phoneCode())).phone, '13800138000')
      assert.equal(wechat.requests.token - tokensBefore, 1)
      wechat.answerNext('getuserphonenumber', { body: { errcode: 42001, errmsg: 'access_token expired' } })
      assert.equal((await client.phoneNumber(phoneCode())).phone, '13800138000')
      assert.equal(wechat.requests.token - tokensBefore, 2)
    })

    it('tries only once more: a second stale-token answer is provider_failed', async () => {
      const client = api()
      const tokensBefore = wechat.requests.token
      const stale = { body: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' } }
      wechat.answerNext('getuserphonenumber', stale)
      wechat.answerNext('getuserphonenumber', stale)
      await rejects(client.phoneNumber(phoneCode()), 'provider_failed', /getuserphonenumber: errcode 40001/)
      assert.equal(wechat.requests.token - tokensBefore, 2)
    })

    it('refuses a used or unknown phone code with provider_failed', async () => {
      const code = phoneCode()
      await api().phoneNumber(code)
      await rejects(api().phoneNumber(code), 'provider_failed', /errcode 40029 \(invalid code/)
      await rejects(api().phoneNumber('no-such-code'), 'provider_failed', /errcode 40029/)
    })

    it('refuses a number whose watermark names another app', async () => {
      await rejects(api().phoneNumber(phoneCode({ watermarkAppId: 'wx-another-app' })), 'provider_failed', /watermark names another app/)
    })

    it('answers provider_failed when the token cannot be had with this secret', async () => {
      const wrongSecret = 'another-wrong-secret-987'
      secrets.push(wrongSecret)
      await rejects(api({ appSecret: wrongSecret }).phoneNumber(phoneCode()), 'provider_failed', /token: errcode 40125 \(invalid appsecret/)
    })

    it('answers provider_unavailable for errcode -1 from either endpoint', async () => {
      wechat.answerNext('token', { body: { errcode: -1, errmsg: 'system error' } })
      await rejects(api().phoneNumber(phoneCode()), 'provider_unavailable', /token: errcode -1/)
      wechat.answerNext('getuserphonenumber', { body: { errcode: -1, errmsg: 'system error' } })
      await rejects(api().phoneNumber(phoneCode()), 'provider_unavailable', /getuserphonenumber: errcode -1/)
    })
  })

  describe('options', () => {
    it('takes https:// anywhere and http:// only on a loopback host, else a TypeError naming apiBase', () => {
      const make = (apiBase: string) => new WechatMiniProgramApi({ appId: 'wx1', appSecret: 's', apiBase })
      for (const good of ['https://api.weixin.qq.com', 'https://proxy.example.com/wechat/', 'http://localhost:8080', 'http://127.0.0.2', 'http://[::1]:9000']) make(good)
      for (const bad of ['http://api.weixin.qq.com', 'http://10.0.0.1', 'ftp://127.0.0.1', 'not a url', 'https://a.example/?x=1', 'https://user:pw@a.example']) {
        assert.throws(
          () => make(bad),
          (error: unknown) => error instanceof TypeError && /apiBase/.test(error.message),
          bad,
        )
      }
    })

    it('requires the app id and secret, and a whole timeout', () => {
      assert.throws(() => new WechatMiniProgramApi({ appId: '', appSecret: 's' }), /appId/)
      assert.throws(() => new WechatMiniProgramApi({ appId: 'wx1', appSecret: '' }), /appSecret/)
      assert.throws(() => new WechatMiniProgramApi({ appId: 'wx1', appSecret: 's', timeoutMs: 0 }), /timeoutMs/)
    })

    it('keeps the secret and the access token out of what a log prints of it', async () => {
      const client = api()
      await client.phoneNumber(phoneCode())
      const printed = inspect(client, { depth: Number.POSITIVE_INFINITY, showHidden: true })
      assert.ok(!printed.includes(wechat.appSecret), printed)
      for (const token of wechat.issuedTokens) assert.ok(!printed.includes(token), printed)
      assert.equal(client.appId, wechat.appId)
    })
  })
})
