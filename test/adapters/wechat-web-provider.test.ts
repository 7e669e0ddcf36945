/** WechatWebProvider against a stand-in implementing WeChat's documented web sign-in endpoints. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { WechatWebProvider, type WechatWebProviderOptions } from '../../adapters/wechat/index.js'
import { freePort } from '../helpers/local-servers.js'
import { agreeAt, authorizationRequest, expectProviderError } from '../helpers/provider-checks.js'
import type { StandInServer } from '../helpers/stand-in-server.js'
import { startWechatStandIn, type WechatUser } from '../helpers/wechat-stand-in.js'

const APP_ID = 'wx520c15f417810387'
const APP_SECRET = 'app-secret-1c9e4f2a7b'
const USER: WechatUser = {
  openid: 'oLVPpjqs9BhvzwPj5A-vTYAX3GLc',
  unionid: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
  nickname: '小明',
  sex: 1,
  province: 'Guangdong',
  city: 'Shenzhen',
  country: 'CN',
  headimgurl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132',
  privilege: [],
}

describe('WechatWebProvider', () => {
  let standIn: StandInServer
  const provider = (options: Partial<WechatWebProviderOptions> = {}) =>
    new WechatWebProvider({ appId: APP_ID, appSecret: APP_SECRET, kind: 'official-account', apiBase: standIn.url, authorizeBase: standIn.url, ...options })

  before(async () => {
    standIn = await startWechatStandIn({ appId: APP_ID, appSecret: APP_SECRET, user: USER })
  })
  after(() => standIn.close())

  it('builds the documented authorization URLs, #wechat_redirect last', async () => {
    const request = { ...authorizationRequest(), state: 'state123' }
    const redirect = encodeURIComponent(request.redirectUri)
    const official = new WechatWebProvider({ appId: APP_ID, appSecret: APP_SECRET, kind: 'official-account' })
    assert.equal(
      await official.authorizationUrl(request),
      `https://open.weixin.qq.com/connect/oauth2/authorize?appid=${APP_ID}&redirect_uri=${redirect}&response_type=code&scope=snsapi_userinfo&state=state123#wechat_redirect`,
    )
    const open = new WechatWebProvider({ appId: APP_ID, appSecret: APP_SECRET, kind: 'open-platform' })
    assert.equal(
      await open.authorizationUrl(request),
      `https://open.weixin.qq.com/connect/qrconnect?appid=${APP_ID}&redirect_uri=${redirect}&response_type=code&scope=snsapi_login&state=state123#wechat_redirect`,
    )
  })

  it('signs in through an official account: the profile of the user who agreed', async () => {
    const request = authorizationRequest()
    const wechat = provider()
    const callback = await agreeAt(await wechat.authorizationUrl(request))
    assert.equal(callback.searchParams.get('state'), request.state)
    const profile = await wechat.complete(callback, request)
    assert.deepEqual(profile, {
      subject: USER.openid,
      unionId: USER.unionid,
      nickname: '小明',
      avatar: USER.headimgurl,
      gender: 1,
      country: 'CN',
      province: 'Guangdong',
      city: 'Shenzhen',
      raw: { ...USER },
    })
  })

  it('signs in by QR code on the open platform', async () => {
    const request = authorizationRequest()
    const wechat = provider({ kind: 'open-platform' })
    const url = await wechat.authorizationUrl(request)
    assert.match(url, /\/connect\/qrconnect\?.*scope=snsapi_login/)
    const profile = await wechat.complete(await agreeAt(url), request)
    assert.equal(profile.subject, USER.openid)
    assert.equal(profile.unionId, USER.unionid)
  })

  it('with scope snsapi_base answers the openid alone, without asking for user information', async () => {
    const request = authorizationRequest()
    const wechat = provider({ scope: 'snsapi_base' })
    const profile = await wechat.complete(await agreeAt(await wechat.authorizationUrl(request)), request)
    assert.deepEqual(profile, { subject: USER.openid, unionId: null, raw: { openid: USER.openid } })
  })

  it('keeps https avatars only and reads sex sent as a string', async () => {
    const plain = await startWechatStandIn({
      appId: APP_ID,
      appSecret: APP_SECRET,
      user: { ...USER, sex: '2', headimgurl: 'http://thirdwx.qlogo.cn/mmopen/x/132', unionid: undefined },
    })
    try {
      const request = authorizationRequest()
      const wechat = provider({ apiBase: plain.url, authorizeBase: plain.url })
      const profile = await wechat.complete(await agreeAt(await wechat.authorizationUrl(request)), request)
      assert.equal(profile.avatar, undefined)
      assert.equal(profile.gender, 2)
      assert.equal(profile.unionId, null)
      assert.equal(profile.raw.headimgurl, 'http://thirdwx.qlogo.cn/mmopen/x/132')
    } finally {
      await plain.close()
    }
  })

  it('fails when the callback has no code (the user refused)', async () => {
    const request = authorizationRequest()
    await expectProviderError(provider().complete(new URL(`${request.redirectUri}?state=${request.state}`), request), 'provider_failed', [])
  })

  it('fails with a wrong app secret, naming the errcode but never the secret or the code', async () => {
    const request = authorizationRequest()
    const callback = await agreeAt(await provider().authorizationUrl(request))
    const code = callback.searchParams.get('code')!
    const error = await expectProviderError(provider({ appSecret: 'wrong-secret-5d1e' }).complete(callback, request), 'provider_failed', ['wrong-secret-5d1e', code])
    assert.match(error.message, /errcode 40125/)
  })

  it('fails on a replayed code', async () => {
    const request = authorizationRequest()
    const wechat = provider()
    const callback = await agreeAt(await wechat.authorizationUrl(request))
    await wechat.complete(callback, request)
    const error = await expectProviderError(wechat.complete(callback, request), 'provider_failed', [APP_SECRET, callback.searchParams.get('code')!])
    assert.match(error.message, /errcode 40163/)
  })

  it('fails on a code it never issued', async () => {
    const request = authorizationRequest()
    await expectProviderError(provider().complete(new URL(`${request.redirectUri}?code=made-up&state=${request.state}`), request), 'provider_failed', [APP_SECRET])
  })

  it('is unavailable on errcode -1 (system busy), on a server error and on a timeout', async () => {
    const request = authorizationRequest()
    const wechat = provider({ timeoutMs: 200 })
    for (const answer of [{ body: { errcode: -1, errmsg: 'system error' } }, { status: 502, body: 'Bad Gateway' }, { delayMs: 2000, body: {} }]) {
      const callback = await agreeAt(await wechat.authorizationUrl(request))
      standIn.answerNext('/sns/oauth2/access_token', answer)
      await expectProviderError(wechat.complete(callback, request), 'provider_unavailable', [APP_SECRET, callback.searchParams.get('code')!])
    }
  })

  it('is unavailable when WeChat cannot be reached', async () => {
    const request = authorizationRequest()
    const callback = new URL(`${request.redirectUri}?code=some-code-3f9a&state=${request.state}`)
    const down = `http://127.0.0.1:${await freePort()}`
    await expectProviderError(provider({ apiBase: down }).complete(callback, request), 'provider_unavailable', [APP_SECRET, 'some-code-3f9a'])
  })

  it('keeps the secret, the code and the access token out of errors even when WeChat echoes them', async () => {
    const request = authorizationRequest()
    const wechat = provider()
    let callback = await agreeAt(await wechat.authorizationUrl(request))
    let code = callback.searchParams.get('code')!
    standIn.answerNext('/sns/oauth2/access_token', { body: { errcode: 40029, errmsg: `invalid code ${code} for secret ${APP_SECRET}` } })
    const error = await expectProviderError(wechat.complete(callback, request), 'provider_failed', [APP_SECRET, code])
    assert.match(error.message, /errcode 40029 \(invalid code \[redacted\] for secret \[redacted\]\)/)

    callback = await agreeAt(await wechat.authorizationUrl(request))
    code = callback.searchParams.get('code')!
    standIn.answerNext('/sns/oauth2/access_token', { body: { access_token: 'token-7c1d9e', openid: USER.openid, scope: 'snsapi_userinfo' } })
    standIn.answerNext('/sns/userinfo', { body: { errcode: 40001, errmsg: 'invalid credential token-7c1d9e' } })
    await expectProviderError(wechat.complete(callback, request), 'provider_failed', [APP_SECRET, code, 'token-7c1d9e'])
  })

  it('fails when the user information is about another openid, or the answers are not what WeChat documents', async () => {
    const request = authorizationRequest()
    const wechat = provider()
    const answers: [string, unknown][] = [
      ['/sns/userinfo', { ...USER, openid: 'someone-else' }],
      ['/sns/oauth2/access_token', { openid: USER.openid }],
      ['/sns/oauth2/access_token', 'not json'],
      ['/sns/userinfo', [USER]],
    ]
    for (const [path, body] of answers) {
      const callback = await agreeAt(await wechat.authorizationUrl(request))
      standIn.answerNext(path, { body })
      await expectProviderError(wechat.complete(callback, request), 'provider_failed', [APP_SECRET, callback.searchParams.get('code')!])
    }
  })

  it('refuses plain http:// base URLs except on a loopback host, naming the option', () => {
    const options = { appId: APP_ID, appSecret: APP_SECRET, kind: 'official-account' } as const
    assert.throws(() => new WechatWebProvider({ ...options, apiBase: 'http://api.weixin.qq.com' }), { name: 'TypeError', message: /options\.apiBase must be an https:\/\/ URL/ })
    assert.throws(() => new WechatWebProvider({ ...options, authorizeBase: 'http://open.example.com' }), { name: 'TypeError', message: /options\.authorizeBase/ })
    assert.throws(() => new WechatWebProvider({ ...options, apiBase: 'http://10.0.0.1:8080' }), TypeError)
    for (const base of ['http://127.0.0.1:9000', 'http://127.8.0.1', 'http://localhost:9000', 'http://[::1]:9000', 'https://wechat-proxy.example.com/']) {
      assert.doesNotThrow(() => new WechatWebProvider({ ...options, apiBase: base, authorizeBase: base }), base)
    }
  })

  it('checks its other options', () => {
    const options = { appId: APP_ID, appSecret: APP_SECRET, kind: 'official-account' } as const
    assert.throws(() => new WechatWebProvider({ ...options, appSecret: '' }), { name: 'TypeError', message: /options\.appSecret is required/ })
    assert.throws(() => new WechatWebProvider({ ...options, kind: 'mini-program' as never }), { name: 'TypeError', message: /options\.kind/ })
    assert.throws(() => new WechatWebProvider({ ...options, timeoutMs: 0 }), { name: 'TypeError', message: /options\.timeoutMs/ })
  })
})
