/**
 * The OAuth 2.0 endpoints (RFC 6749, RFC 7009) through a client library written elsewhere
 * (simple-oauth2: its ResourceOwnerPassword grant, refresh and revoke), and through raw requests for
 * the error cases, on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ResourceOwnerPassword, type ModuleOptions } from 'simple-oauth2'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { assertOAuthError, basic, createPhoneTestApp, OAUTH_CLIENT, OTHER_CLIENT, type PhoneTestApp } from './phone-app.js'

const PHONE = '13812345678'

const skip = await backendSkips()
after(releaseTestResources)

/** A simple-oauth2 client of the test app. */
function oauthClient(t: PhoneTestApp, options: ModuleOptions['options'] = {}, client = OAUTH_CLIENT): ResourceOwnerPassword {
  const tokenHost = t.request.get('/').url.replace(/\/$/, '')
  return new ResourceOwnerPassword({
    client: { id: client.id, secret: client.secret },
    auth: { tokenHost, tokenPath: '/oauth/token', revokePath: '/oauth/revoke' },
    options,
  })
}

/** The HTTP status of a client API read with `token`: 200 while it lives, 401 after. */
async function statusWith(t: PhoneTestApp, token: unknown): Promise<number> {
  return (await t.request.get('/hserve/v2.2/user/info/').set({ ...CLIENT, Authorization: `Bearer ${String(token)}` })).status
}

for (const backend of BACKENDS) {
  describe(`OAuth 2.0 token endpoint (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = (options = {}) => createPhoneTestApp(backend, 'oauth', options)

    it('serves simple-oauth2: password grant by login code and by password, refresh, and both token kinds on every family', async () => {
      const t = await create()
      const loginCode = await t.registerPhone(PHONE)
      for (const options of [{ authorizationMethod: 'header' }, { authorizationMethod: 'body', bodyFormat: 'json' }] as const) {
        const client = oauthClient(t, options)
        const byCode = await client.getToken({ username: PHONE, password: options.authorizationMethod === 'header' ? loginCode : await t.loginCodeFor(PHONE) })
        assert.equal(byCode.token.token_type, 'Bearer')
        assert.equal(byCode.token.expires_in, 86400)
        assert.match(String(byCode.token.access_token), /^[A-Za-z0-9_-]{43}$/)
        assert.equal(typeof byCode.token.created_at, 'number')
        assert.equal(byCode.expired(), false)
        assert.equal(await statusWith(t, byCode.token.access_token), 200)

        const refreshed = await byCode.refresh()
        assert.notEqual(refreshed.token.access_token, byCode.token.access_token)
        assert.notEqual(refreshed.token.refresh_token, byCode.token.refresh_token)
        assert.equal(await statusWith(t, refreshed.token.access_token), 200)
        const again = await refreshed.refresh()
        assert.equal(await statusWith(t, again.token.access_token), 200)
      }
      // A token of the OAuth endpoint sets a password on the phone API, and the password then works too.
      const client = oauthClient(t)
      const token = await client.getToken({ username: PHONE, password: await t.loginCodeFor(PHONE) })
      const update = await t.request
        .put('/api/v1/users/update')
        .set('Authorization', `Bearer ${String(token.token.access_token)}`)
        .send({ name: 'gyb', password: PASSWORD, password_confirmation: PASSWORD })
      assert.deepEqual(update.body, { result: 1 })
      for (const username of ['gyb', PHONE]) assert.equal(await statusWith(t, (await client.getToken({ username, password: PASSWORD })).token.access_token), 200)
    })

    it('answers with no-store, and the RFC 6749 error of every failure', async () => {
      const t = await create()
      await t.signUp('email', 'Ann@Example.com')
      const ok = await t.token({ grant_type: 'password', username: 'ann@example.com', password: PASSWORD })
      assert.equal(ok.status, 200, JSON.stringify(ok.body))
      assert.match(ok.headers['cache-control'] ?? '', /no-store/)
      assert.equal(ok.headers.pragma, 'no-cache')
      assert.deepEqual(Object.keys(ok.body).sort(), ['access_token', 'created_at', 'expires_in', 'refresh_token', 'token_type'])

      const wrongSecret = await t.token({ grant_type: 'password', username: 'ann@example.com', password: PASSWORD }, { ...OAUTH_CLIENT, secret: 'not-the-secret' })
      assertOAuthError(wrongSecret, 401, 'invalid_client')
      assert.match(wrongSecret.headers['www-authenticate'] ?? '', /^Basic/)
      assertOAuthError(await t.token({ grant_type: 'password', username: 'a', password: 'b' }, { id: 'nobody', secret: 'whatever-secret' }), 401, 'invalid_client')
      const send = (body: Record<string, string>, auth?: string) => {
        const request = t.request.post('/oauth/token').type('form')
        if (auth) request.set('Authorization', auth)
        return request.send(body).then((res) => ({ status: res.status, body: res.body, headers: res.headers as Record<string, string> }))
      }
      assertOAuthError(await send({ grant_type: 'password', username: 'ann@example.com', password: PASSWORD }), 401, 'invalid_client')
      assertOAuthError(await send({ grant_type: 'password', client_id: OAUTH_CLIENT.id, client_secret: OAUTH_CLIENT.secret }, basic(OAUTH_CLIENT)), 400, 'invalid_request')
      assertOAuthError(await send({ grant_type: 'password', client_id: OAUTH_CLIENT.id, client_secret: OAUTH_CLIENT.secret, password: PASSWORD }), 400, 'invalid_request')
      assertOAuthError(await send({ username: 'ann@example.com' }, basic(OAUTH_CLIENT)), 400, 'invalid_request')
      assertOAuthError(await t.token({ grant_type: 'authorization_code', code: 'x' }), 400, 'unsupported_grant_type')
      assertOAuthError(await t.token({ grant_type: 'password', username: 'ann@example.com', password: PASSWORD, scope: 'admin' }), 400, 'invalid_scope')
      assertOAuthError(await t.token({ grant_type: 'password', username: 'ann@example.com', password: 'wrong password' }), 400, 'invalid_grant')
      assertOAuthError(await t.token({ grant_type: 'password', username: 'nobody@example.com', password: PASSWORD }), 400, 'invalid_grant')
      assertOAuthError(await t.token({ grant_type: 'refresh_token', refresh_token: 'not a refresh token' }), 400, 'invalid_grant')
      const repeated = await t.request.post('/oauth/token').set('Authorization', basic(OAUTH_CLIENT)).type('form').send('grant_type=password&grant_type=refresh_token')
      assertOAuthError({ status: repeated.status, body: repeated.body, headers: repeated.headers as Record<string, string> }, 400, 'invalid_request')
      const broken = await t.request.post('/oauth/token').set('Authorization', basic(OAUTH_CLIENT)).set('Content-Type', 'application/json').send('{"grant_type":')
      assertOAuthError({ status: broken.status, body: broken.body, headers: broken.headers as Record<string, string> }, 400, 'invalid_request')
      assert.deepEqual(t.logger.errors, [])
    })

    it('accepts a login code once, and not after it expires', async () => {
      const t = await create({ oauth: { clients: [OAUTH_CLIENT], loginCodeTtlSeconds: 1 } })
      const code = await t.registerPhone(PHONE)
      await t.passwordGrant(PHONE, code)
      assertOAuthError(await t.token({ grant_type: 'password', username: PHONE, password: code }), 400, 'invalid_grant')
      const late = await t.loginCodeFor(PHONE)
      await sleep(1100)
      assertOAuthError(await t.token({ grant_type: 'password', username: PHONE, password: late }), 400, 'invalid_grant')
    })

    it('revokes the whole family, access tokens included, when a rotated refresh token comes back', async () => {
      const t = await create()
      const client = oauthClient(t)
      const first = await client.getToken({ username: PHONE, password: await t.registerPhone(PHONE) })
      const second = await first.refresh()
      const third = await second.refresh()
      for (const token of [first, second, third]) assert.equal(await statusWith(t, token.token.access_token), 200)

      await assert.rejects(first.refresh(), (error: { output?: { statusCode: number }; data?: { payload?: { error?: string } } }) => {
        assert.equal(error.output?.statusCode, 400)
        assert.equal(error.data?.payload?.error, 'invalid_grant')
        return true
      })
      for (const token of [first, second, third]) assert.equal(await statusWith(t, token.token.access_token), 401)
      assertOAuthError(await t.token({ grant_type: 'refresh_token', refresh_token: String(third.token.refresh_token) }), 400, 'invalid_grant')
      assert.ok(t.events.some((e) => e.type === 'refresh_token_reused'))
      // The user signs in again and gets a new, working family.
      assert.equal(await statusWith(t, (await client.getToken({ username: PHONE, password: await t.loginCodeFor(PHONE) })).token.access_token), 200)
    })

    it('lets at most one of concurrent refreshes with one token win, and leaves no token of the family alive', async () => {
      const t = await create()
      const pair = await t.passwordGrant(PHONE, await t.registerPhone(PHONE))
      const answers = await Promise.all(Array.from({ length: 8 }, () => t.token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token as string })))
      assert.ok(answers.filter((a) => a.status === 200).length <= 1, JSON.stringify(answers.map((a) => a.status)))
      assert.ok(
        answers.every((a) => a.status === 200 || a.body.error === 'invalid_grant'),
        JSON.stringify(answers.map((a) => a.body)),
      )
      for (const answer of [{ body: pair }, ...answers.filter((a) => a.status === 200)]) {
        assert.equal(await statusWith(t, answer.body.access_token), 401)
        assert.equal((await t.token({ grant_type: 'refresh_token', refresh_token: answer.body.refresh_token as string })).status, 400)
      }
    })

    it('keeps refresh tokens to the client they were issued to, and ends families at their lifetime', async () => {
      const t = await create({ oauth: { clients: [OAUTH_CLIENT, OTHER_CLIENT], refreshTokenTtlSeconds: 2 } })
      const pair = await t.passwordGrant(PHONE, await t.registerPhone(PHONE))
      assertOAuthError(await t.token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token as string }, OTHER_CLIENT), 400, 'invalid_grant')
      const next = await t.token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token as string })
      assert.equal(next.status, 200, 'a refusal for another client leaves the token usable by its own')
      assert.ok((next.body.expires_in as number) <= 2)
      // The router's clock: the keys' TTLs (real clock) have not run out, the router's lifetimes have.
      t.clock.advance(2.1)
      assertOAuthError(await t.token({ grant_type: 'refresh_token', refresh_token: next.body.refresh_token as string }), 400, 'invalid_grant')
      assert.equal(await statusWith(t, next.body.access_token), 401)
    })

    it('ends every token family when the password changes through the client API', async () => {
      const t = await create()
      const { token } = await t.signUp('username', 'ann')
      const pair = await t.passwordGrant('ann', PASSWORD)
      const change = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ password: PASSWORD, new_password: 'a brand new one 3' })
      assert.equal(change.status, 200, JSON.stringify(change.body))
      assert.equal(await statusWith(t, pair.access_token), 401)
      assertOAuthError(await t.token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token as string }), 400, 'invalid_grant')
      assert.equal(await statusWith(t, token), 200, "the caller's own session stays")
    })

    it("keeps the caller's own family, and ends the others, when the phone API's update sets a password", async () => {
      const t = await create()
      const mine = await t.passwordGrant(PHONE, await t.registerPhone(PHONE))
      const other = await t.passwordGrant(PHONE, await t.loginCodeFor(PHONE))
      const update = await t.request
        .put('/api/v1/users/update')
        .set('Authorization', `Bearer ${mine.access_token as string}`)
        .send({ name: 'gyb', password: PASSWORD, password_confirmation: PASSWORD })
      assert.deepEqual(update.body, { result: 1 })
      assert.equal(await statusWith(t, other.access_token), 401)
      assertOAuthError(await t.token({ grant_type: 'refresh_token', refresh_token: other.refresh_token as string }), 400, 'invalid_grant')
      assert.equal(await statusWith(t, mine.access_token), 200)
      const next = await t.token({ grant_type: 'refresh_token', refresh_token: mine.refresh_token as string })
      assert.equal(next.status, 200, JSON.stringify(next.body))
    })

    it('throttles password guesses like client API logins, with Retry-After', async () => {
      const t = await create({ loginThrottle: { maxFailuresPerAccount: 3 } })
      await t.signUp('username', 'ann')
      for (let i = 0; i < 3; i++) assertOAuthError(await t.token({ grant_type: 'password', username: 'ann', password: `wrong ${i}` }), 400, 'invalid_grant')
      const throttled = await t.token({ grant_type: 'password', username: 'ann', password: PASSWORD })
      assertOAuthError(throttled, 429, 'temporarily_unavailable')
      assert.ok(Number(throttled.headers['retry-after']) > 0)
      assert.equal((await t.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username: 'ann', password: PASSWORD })).status, 429, 'one count for both APIs')
    })

    it('revokes tokens per RFC 7009: an access token alone, a refresh token with its family, unknown ones quietly', async () => {
      const t = await create()
      const client = oauthClient(t)
      const loginCode = await t.registerPhone(PHONE)
      const first = await client.getToken({ username: PHONE, password: loginCode })
      const second = await client.getToken({ username: PHONE, password: await t.loginCodeFor(PHONE) })
      await first.revoke('access_token')
      assert.equal(await statusWith(t, first.token.access_token), 401)
      const renewed = await first.refresh()
      assert.equal(await statusWith(t, renewed.token.access_token), 200, 'revoking an access token leaves its refresh token')
      await renewed.revoke('refresh_token')
      assert.equal(await statusWith(t, renewed.token.access_token), 401, "revoking a refresh token ends the family's access tokens")
      await assert.rejects(renewed.refresh())
      assert.equal(await statusWith(t, second.token.access_token), 200, 'other families stay')
      await second.revokeAll()
      assert.equal(await statusWith(t, second.token.access_token), 401)

      const revoke = (token: string, auth = basic(OAUTH_CLIENT)) => t.request.post('/oauth/revoke').set('Authorization', auth).type('form').send({ token })
      assert.equal((await revoke('never-issued')).status, 200)
      assert.equal((await revoke(String(first.token.refresh_token))).status, 200)
      const { token: clientApiToken } = await t.signUp('username', 'ann')
      const foreign = await revoke(clientApiToken)
      assert.deepEqual([foreign.status, foreign.body.error], [400, 'unauthorized_client'])
      assert.equal(await statusWith(t, clientApiToken), 200)
      const third = await t.passwordGrant(PHONE, await t.loginCodeFor(PHONE))
      assert.equal((await revoke(third.refresh_token as string, basic(OTHER_CLIENT))).body.error, 'unauthorized_client')
      assert.equal((await revoke(third.access_token as string, basic({ ...OAUTH_CLIENT, secret: 'wrong-secret' }))).status, 401)
      assert.equal(await statusWith(t, third.access_token), 200)
    })
  })
}
