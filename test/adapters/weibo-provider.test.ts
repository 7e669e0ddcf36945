/** WeiboProvider against a stand-in implementing Weibo's documented OAuth 2.0 endpoints. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { WeiboProvider, type WeiboProviderOptions } from '../../adapters/weibo/index.js'
import { freePort } from '../helpers/local-servers.js'
import { agreeAt, authorizationRequest, expectProviderError } from '../helpers/provider-checks.js'
import type { StandInServer } from '../helpers/stand-in-server.js'
import { startWeiboStandIn, type WeiboUser } from '../helpers/weibo-stand-in.js'

const CLIENT_ID = '1352222456'
const CLIENT_SECRET = 'client-secret-8e2b6d0f'
const USER: WeiboUser = {
  id: 1404376560,
  idstr: '1404376560',
  screen_name: 'zaku',
  name: 'zaku',
  location: '北京 朝阳区',
  profile_image_url: 'https://tvax1.sinaimg.cn/crop.0.0.50.50.50/abc.jpg',
  avatar_large: 'https://tvax1.sinaimg.cn/crop.0.0.180.180.180/abc.jpg',
  gender: 'm',
  lang: 'zh-cn',
  followers_count: 1204,
  status: { id: 11142488790, text: '我的相机到了。' },
}

describe('WeiboProvider', () => {
  let standIn: StandInServer
  const provider = (options: Partial<WeiboProviderOptions> = {}) => new WeiboProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiBase: standIn.url, ...options })

  before(async () => {
    standIn = await startWeiboStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, user: USER })
  })
  after(() => standIn.close())

  it('builds the documented authorization URL', async () => {
    const request = { ...authorizationRequest(), state: 'state123' }
    const weibo = new WeiboProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })
    assert.equal(
      await weibo.authorizationUrl(request),
      `https://api.weibo.com/oauth2/authorize?client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(request.redirectUri)}&response_type=code&state=state123`,
    )
  })

  it('signs in: the profile of the user who agreed, without the access token', async () => {
    const request = authorizationRequest()
    const weibo = provider()
    const callback = await agreeAt(await weibo.authorizationUrl(request))
    assert.equal(callback.searchParams.get('state'), request.state)
    const profile = await weibo.complete(callback, request)
    assert.deepEqual(profile, {
      subject: '1404376560',
      unionId: null,
      nickname: 'zaku',
      avatar: USER.avatar_large,
      gender: 1,
      language: 'zh-cn',
      raw: Object.fromEntries(Object.entries(USER).filter(([field]) => field !== 'status')),
    })
  })

  it('maps gender and keeps https avatars only, falling back to profile_image_url', async () => {
    const user: WeiboUser = { ...USER, gender: 'n', avatar_large: 'http://tp1.sinaimg.cn/1404376560/180/0/1' }
    const other = await startWeiboStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, user })
    try {
      const request = authorizationRequest()
      const weibo = provider({ apiBase: other.url })
      const profile = await weibo.complete(await agreeAt(await weibo.authorizationUrl(request)), request)
      assert.equal(profile.gender, 0)
      assert.equal(profile.avatar, USER.profile_image_url)
    } finally {
      await other.close()
    }
  })

  it('fails when the user refused or the callback has no code', async () => {
    const request = authorizationRequest()
    const refused = new URL(`${request.redirectUri}?error=access_denied&error_code=21330&state=${request.state}`)
    const error = await expectProviderError(provider().complete(refused, request), 'provider_failed', [])
    assert.match(error.message, /access_denied/)
    await expectProviderError(provider().complete(new URL(`${request.redirectUri}?state=${request.state}`), request), 'provider_failed', [])
  })

  it('fails with a wrong client secret, naming the error but never the secret or the code', async () => {
    const request = authorizationRequest()
    const callback = await agreeAt(await provider().authorizationUrl(request))
    const code = callback.searchParams.get('code')!
    const error = await expectProviderError(provider({ clientSecret: 'wrong-secret-4a7c' }).complete(callback, request), 'provider_failed', ['wrong-secret-4a7c', code])
    assert.match(error.message, /HTTP 400 \(21324 invalid_client/)
  })

  it("fails on a replayed code, and on a redirect_uri other than the authorization request's", async () => {
    const request = authorizationRequest()
    const weibo = provider()
    const callback = await agreeAt(await weibo.authorizationUrl(request))
    await weibo.complete(callback, request)
    const replayed = await expectProviderError(weibo.complete(callback, request), 'provider_failed', [CLIENT_SECRET, callback.searchParams.get('code')!])
    assert.match(replayed.message, /21325 invalid_grant/)

    const another = await agreeAt(await weibo.authorizationUrl(request))
    const mismatch = await expectProviderError(weibo.complete(another, { ...request, redirectUri: 'https://elsewhere.example.com/cb' }), 'provider_failed', [CLIENT_SECRET])
    assert.match(mismatch.message, /redirect_uri_mismatch/)
  })

  it('is unavailable on a server error, temporarily_unavailable and a timeout', async () => {
    const request = authorizationRequest()
    const weibo = provider({ timeoutMs: 200 })
    const answers = [
      { status: 503, body: 'Service Unavailable' },
      { status: 400, body: { error: 'temporarily_unavailable', error_code: 21331, error_description: 'service temporarily unavailable' } },
      { delayMs: 2000, body: {} },
    ]
    for (const answer of answers) {
      const callback = await agreeAt(await weibo.authorizationUrl(request))
      standIn.answerNext('/oauth2/access_token', answer)
      await expectProviderError(weibo.complete(callback, request), 'provider_unavailable', [CLIENT_SECRET, callback.searchParams.get('code')!])
    }
  })

  it('is unavailable when Weibo cannot be reached', async () => {
    const request = authorizationRequest()
    const callback = new URL(`${request.redirectUri}?code=some-code-8b2e&state=${request.state}`)
    const down = `http://127.0.0.1:${await freePort()}`
    await expectProviderError(provider({ apiBase: down }).complete(callback, request), 'provider_unavailable', [CLIENT_SECRET, 'some-code-8b2e'])
  })

  it('keeps the secret, the code and the access token out of errors even when Weibo echoes them', async () => {
    const request = authorizationRequest()
    const weibo = provider()
    let callback = await agreeAt(await weibo.authorizationUrl(request))
    let code = callback.searchParams.get('code')!
    standIn.answerNext('/oauth2/access_token', { status: 400, body: { error: 'invalid_grant', error_code: 21325, error_description: `code ${code} secret ${CLIENT_SECRET}` } })
    const error = await expectProviderError(weibo.complete(callback, request), 'provider_failed', [CLIENT_SECRET, code])
    assert.match(error.message, /code \[redacted\] secret \[redacted\]/)

    callback = await agreeAt(await weibo.authorizationUrl(request))
    code = callback.searchParams.get('code')!
    standIn.answerNext('/oauth2/access_token', { body: { access_token: 'token-2f8a1c', uid: USER.idstr, expires_in: 7200 } })
    standIn.answerNext('/2/users/show.json', { status: 403, body: { request: '/2/users/show.json', error_code: 21332, error: 'invalid_access_token token-2f8a1c' } })
    await expectProviderError(weibo.complete(callback, request), 'provider_failed', [CLIENT_SECRET, code, 'token-2f8a1c'])
  })

  it("fails when the user is another than the token's, or the answers are not what Weibo documents", async () => {
    const request = authorizationRequest()
    const weibo = provider()
    const answers: [string, unknown][] = [
      ['/2/users/show.json', { ...USER, id: 1, idstr: '1' }],
      ['/oauth2/access_token', { access_token: 'token-x' }],
      ['/oauth2/access_token', 'not json'],
      ['/2/users/show.json', [USER]],
    ]
    for (const [path, body] of answers) {
      const callback = await agreeAt(await weibo.authorizationUrl(request))
      standIn.answerNext(path, { body })
      await expectProviderError(weibo.complete(callback, request), 'provider_failed', [CLIENT_SECRET, callback.searchParams.get('code')!])
    }
  })

  it('refuses a plain http:// base URL except on a loopback host, naming the option', () => {
    const options = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }
    assert.throws(() => new WeiboProvider({ ...options, apiBase: 'http://api.weibo.com' }), {
      name: 'TypeError',
      message: /WeiboProvider: options\.apiBase must be an https:\/\/ URL/,
    })
    assert.throws(() => new WeiboProvider({ ...options, apiBase: 'not a url' }), { name: 'TypeError', message: /options\.apiBase/ })
    assert.throws(() => new WeiboProvider({ ...options, clientId: '' }), { name: 'TypeError', message: /options\.clientId is required/ })
    assert.doesNotThrow(() => new WeiboProvider({ ...options, apiBase: 'http://localhost:8080' }))
  })
})
