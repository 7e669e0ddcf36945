/**
 * Third-party sign-in through HTTP, as the MinApp web SDK does it, with a stand-in provider served
 * on 127.0.0.1, on the in-memory backend and on PostgreSQL + Redis: redirect, the provider, the
 * router's callback, then authenticate or silent login. States and auth tokens are single use;
 * refused ones create nothing.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { AUTH_PAGE, authenticate, authToken, authorizationUrl, createIdentityTestApp, openCallback, PROVIDER, providerCallback } from '../helpers/identity-app.js'
import { StandInIdentityServer } from '../helpers/identity-provider.js'
import { assertError, backendSkips, EVERY_BACKEND, CLIENT, closeTestApps, countUsers, releaseTestResources } from '../helpers/test-app.js'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of EVERY_BACKEND) {
  describe(`client API third-party sign-in (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = () => createIdentityTestApp(backend, 'idp-sign-in')

    it('creates exactly one user on the first sign-in, and signs into it on the next', async () => {
      const t = await create()
      t.standIn.signInAs({ subject: 'alice-1', nickname: 'Alice', gender: 2, email: 'alice@example.com' } as never)
      const token = await authToken(t)
      const first = await authenticate(t, { auth_token: token, create_user: true, update_userprofile: 'setnx' })
      assert.equal(first.status, 201, JSON.stringify(first.body))
      assert.match(first.headers['cache-control'] ?? '', /no-store/)
      assert.deepEqual([first.body.nickname, first.body.gender, first.body._email, first.body._phone, first.body._username], ['Alice', 2, null, null, null])
      // What the provider said, with the identity the wire adds to it.
      const { linked_at: linkedAt, ...said } = first.body._provider[PROVIDER]
      assert.deepEqual(said, { subject: 'alice-1', unionid: null, nickname: 'Alice', gender: 2, email: 'alice@example.com' })
      assert.equal(typeof linkedAt, 'number')
      assert.equal(typeof first.body.token, 'string')
      const me = await t.request.get(`/hserve/v2.2/user/info/${first.body.id}/`).set(t.auth(first.body.token))
      assert.equal(me.status, 200)

      const again = await authenticate(t, { auth_token: await authToken(t), create_user: false, update_userprofile: 'setnx' })
      assert.equal(again.status, 201, JSON.stringify(again.body))
      assert.equal(again.body.id, first.body.id)
      assert.equal(await countUsers(t.store), 1)
      const user = await t.store.getUserById(first.body.id)
      assert.deepEqual(
        user?.identities.map((i) => [i.provider, i.subject]),
        [[PROVIDER, 'alice-1']],
      )
      assert.equal(user?.passwordHash, null)
      assert.deepEqual(
        t.events.filter((e) => ['registered', 'login'].includes(e.type)).map((e) => [e.type, e.method, e.userId]),
        [
          ['registered', PROVIDER, first.body.id],
          ['login', PROVIDER, first.body.id],
          ['login', PROVIDER, first.body.id],
        ],
      )
    })

    it('never claims an account by the e-mail address the provider gives', async () => {
      const t = await create()
      const owner = await t.signUp('email', 'owner@example.com')
      t.standIn.signInAs({ subject: 'mallory', email: 'owner@example.com' } as never)
      const res = await authenticate(t, { auth_token: await authToken(t) })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.notEqual(res.body.id, owner.id)
      assert.equal(res.body._email, null)
      assert.equal(await countUsers(t.store), 2)
    })

    it('answers 404 user_not_found with create_user false, and creates nothing', async () => {
      const t = await create()
      assertError(await authenticate(t, { auth_token: await authToken(t), create_user: false, update_userprofile: 'setnx' }), 404, 'user_not_found')
      assert.equal(await countUsers(t.store), 0)
    })

    it('answers the silent shape on the silent-login route', async () => {
      const t = await create()
      t.standIn.signInAs({ subject: 'silent-1', nickname: 'Quiet' })
      const res = await t.request
        .post(`/hserve/v2.5/idp/${PROVIDER}/silent-login/`)
        .set(CLIENT)
        .send({ auth_token: await authToken(t), create_user: true })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.equal(typeof res.body.token, 'string')
      assert.equal(res.body.expires_in, 2592000)
      assert.equal(res.body.user_info.id, res.body.user_id)
      assert.equal(res.body.user_info.nickname, 'Quiet')
      const me = await t.request.get(`/hserve/v2.2/user/info/${res.body.user_id}/`).set(t.auth(res.body.token))
      assert.equal(me.status, 200)
    })

    it('refuses a replayed auth token with 400 invalid_auth_token', async () => {
      const t = await create()
      const token = await authToken(t)
      assert.equal((await authenticate(t, { auth_token: token })).status, 201)
      assertError(await authenticate(t, { auth_token: token }), 400, 'invalid_auth_token')
      assertError(await authenticate(t, { auth_token: 'x'.repeat(43) }), 400, 'invalid_auth_token')
      assertError(await authenticate(t, { auth_token: 'short' }), 400, 'invalid_auth_token')
      assert.equal(await countUsers(t.store), 1)
    })

    it('refuses an expired auth token', async () => {
      const t = await create()
      const token = await authToken(t)
      t.clock.advance(301)
      assertError(await authenticate(t, { auth_token: token }), 400, 'invalid_auth_token')
      assert.equal(await countUsers(t.store), 0)
    })

    it('sends the browser back to the page with the token added to its query, once per state', async () => {
      const t = await create()
      const callback = await providerCallback(t)
      const res = await openCallback(callback)
      assert.equal(res.status, 303)
      assert.match(res.headers.get('cache-control') ?? '', /no-store/)
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer')
      const page = new URL(res.headers.get('location')!)
      assert.equal(`${page.origin}${page.pathname}`, 'https://app.example.com/auth')
      assert.equal(page.searchParams.get('provider'), 'stand-in')
      assert.equal(page.searchParams.get('handler'), 'login')
      assert.match(page.searchParams.get('token') ?? '', /^[A-Za-z0-9_-]{43}$/)

      const replay = await openCallback(callback)
      assert.equal(replay.status, 400)
      assert.match(replay.headers.get('content-type') ?? '', /text\/html/)
      assert.match(await replay.text(), /登录未完成/)
      const json = await fetch(callback, { redirect: 'manual', headers: { Accept: 'application/json' } })
      assertError({ status: json.status, body: await json.json() }, 400, 'invalid_state')
      assert.equal(t.standIn.exchanges, 1)
      assert.equal(await countUsers(t.store), 0)
    })

    it('refuses a callback without a state, with a made-up one, or after 10 minutes', async () => {
      const t = await create()
      const callback = new URL(await providerCallback(t))
      const json = { redirect: 'manual', headers: { Accept: 'application/json' } } as const
      const without = new URL(callback)
      without.searchParams.delete('state')
      assertError({ status: (await fetch(without, json)).status, body: await (await fetch(without, json)).json() }, 400, 'invalid_state')
      const madeUp = new URL(callback)
      madeUp.searchParams.set('state', 'y'.repeat(43))
      const madeUpRes = await fetch(madeUp, json)
      assertError({ status: madeUpRes.status, body: await madeUpRes.json() }, 400, 'invalid_state')
      t.clock.advance(601)
      const late = await fetch(callback, json)
      assertError({ status: late.status, body: await late.json() }, 400, 'invalid_state')
      assert.equal(t.standIn.exchanges, 0)
    })

    it('answers an error page when the provider refuses the sign-in, and never redirects to the page', async () => {
      const t = await create()
      t.standIn.refuse = true
      const res = await openCallback(await providerCallback(t))
      assert.equal(res.status, 400)
      assert.equal(res.headers.get('location'), null)
      assert.match(await res.text(), /登录未完成/)
    })

    it('refuses a callback_url outside the allowed origins, naming callback_url', async () => {
      const t = await create()
      for (const callbackUrl of [
        'https://evil.example.com/auth',
        'http://app.example.com/auth',
        'https://app.example.com.evil.com/',
        'https://user@app.example.com/',
        'not a url',
        'javascript:alert(1)',
      ]) {
        const res = await t.request.post(`/hserve/v2.0/idp/${PROVIDER}/redirect/`).set(CLIENT).send({ callback_url: callbackUrl })
        assertError(res, 400, 'invalid_request', 'callback_url')
      }
      assert.match(await authorizationUrl(t, 'https://app.example.com/other/page?x=1#top'), /^http:\/\/127\.0\.0\.1:\d+\/authorize\?/)
    })

    it('answers 404 for an unknown provider, and needs a client id but on the callback', async () => {
      const t = await create()
      assertError(await t.request.post('/hserve/v2.0/idp/nobody/redirect/').set(CLIENT).send({ callback_url: AUTH_PAGE }), 404, 'unknown_provider')
      assertError(await t.request.post('/hserve/v2.0/idp/constructor/redirect/').set(CLIENT).send({ callback_url: AUTH_PAGE }), 404, 'unknown_provider')
      assertError(
        await t.request
          .post('/hserve/v2.0/idp/nobody/authenticate/')
          .set(CLIENT)
          .send({ auth_token: 'x'.repeat(43) }),
        404,
        'unknown_provider',
      )
      assertError(await t.request.post(`/hserve/v2.0/idp/${PROVIDER}/redirect/`).send({ callback_url: AUTH_PAGE }), 401, 'invalid_client')
      const unknown = await t.request.get('/hserve/v2.0/idp/nobody/callback/').query({ state: 'x', code: 'y' }).set('Accept', 'application/json')
      assertError(unknown, 404, 'unknown_provider')
    })

    it("refuses one provider's state at another's callback, and its auth token at another's routes", async () => {
      const t = await create()
      const other = await StandInIdentityServer.start()
      try {
        const two = await createIdentityTestApp(backend, 'idp-two', {
          identityProviders: { providers: { [PROVIDER]: t.standIn.provider(), other: other.provider() }, allowedCallbackOrigins: ['https://app.example.com'] },
        })
        const callback = new URL(await providerCallback(two))
        callback.pathname = callback.pathname.replace(`/${PROVIDER}/`, '/other/')
        const json = await fetch(callback, { redirect: 'manual', headers: { Accept: 'application/json' } })
        assertError({ status: json.status, body: await json.json() }, 400, 'invalid_state')
        const token = await authToken(two)
        assertError(await two.request.post('/hserve/v2.0/idp/other/authenticate/').set(CLIENT).send({ auth_token: token }), 400, 'invalid_auth_token')
        assertError(await authenticate(two, { auth_token: token }), 400, 'invalid_auth_token')
        assert.equal(await countUsers(two.store), 0)
      } finally {
        await other.close()
      }
    })

    it('limits the sign-ins started per IP per hour (each keeps a state): 429 rate_limited past signInRedirectsPerIpPerHour', async () => {
      const t = await createIdentityTestApp(backend, 'idp-sign-in', { rateLimits: { signInRedirectsPerIpPerHour: 2 } })
      await authorizationUrl(t)
      await authorizationUrl(t)
      const res = await t.request.post(`/hserve/v2.0/idp/${PROVIDER}/redirect/`).set(CLIENT).send({ callback_url: AUTH_PAGE })
      assertError(res, 429, 'rate_limited')
      assert.ok(Number(res.headers['retry-after']) > 0)
      assert.ok(t.events.some((e) => e.type === 'rate_limited' && e.method === 'sign_in_redirect'))
    })

    it('gives the provider a state of letters and digits only, at most 128 (what WeChat accepts)', async () => {
      const t = await create()
      const state = new URL(await authorizationUrl(t)).searchParams.get('state') ?? ''
      assert.match(state, /^[A-Za-z0-9]{32,128}$/)
    })

    it('gives the provider the router callback URL under the mount path', async () => {
      const t = await create()
      const url = new URL(await authorizationUrl(t))
      assert.equal(url.searchParams.get('redirect_uri'), `${new URL(t.request.get('/').url).origin}/hserve/v2.0/idp/${PROVIDER}/callback/`)
    })
  })
}
