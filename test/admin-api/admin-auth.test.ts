/**
 * Admin API sign-in and access: the session cookie, session fixation, sign-out,
 * the 401/403 split, throttling, and every way in that must fail (no session, a non-admin, a client
 * token, a forged or expired cookie), on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { RedisKeyValueStore } from '../../adapters/redis/index.js'
import { routerKeyPrefix } from '../../src/options-key-prefix.js'
import { assertError, backendSkips, BACKENDS, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { ADMIN_ROUTES, COOKIE_NAME, createAdminApp, sessionCookie, setCookies, type AdminTestApp } from './admin-app.js'

/** Sends every admin route with `headers`, asserting each answers `status` and `code`, and that user 1 (when there is one) is unchanged. */
async function assertRefusedEverywhere(t: AdminTestApp, headers: Record<string, string>, status: number, code: string): Promise<void> {
  for (const [method, path, body] of ADMIN_ROUTES) {
    const req = t.request[method](path).set(headers)
    assertError(body ? await req.send(body) : await req, status, code)
  }
  const user = await t.store.getUserById(1)
  assert.notEqual(user?.nickname, 'hacked')
  assert.notEqual(user?.username, 'hacked')
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`admin API sign-in and access (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = (options = {}) => createAdminApp(backend, 'admin-auth', options)

    it('signs an admin in with 200, its profile and an httpOnly SameSite=Lax cookie, and serves the profile', async () => {
      const t = await create()
      await t.signUp('username', 'boss')
      t.admins.add('boss')
      const res = await t.adminLogin({ username: 'BOSS', password: PASSWORD })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.deepEqual(Object.keys(res.body).sort(), ['avatar_link', 'email', 'nickname', 'user_id'])
      assert.equal(res.headers['cache-control'], 'no-store')
      const line = setCookies(res).find((c) => c.startsWith(`${COOKIE_NAME}=`))!
      assert.match(line, /; HttpOnly/i)
      assert.match(line, /; SameSite=Lax/i)
      assert.doesNotMatch(line, /; Secure/i, 'plain HTTP gets no Secure cookie')
      const profile = await t.request.get('/userve/v1/user-profile/').set('Cookie', sessionCookie(res))
      assert.equal(profile.status, 200)
      assert.deepEqual(profile.body, res.body)
    })

    it('signs admins in by e-mail (any case) and by phone (any notation)', async () => {
      const t = await create()
      const { id } = await t.signUp('email', 'Boss@Example.com')
      await t.signUp('phone', '13800138000')
      t.admins.add('Boss@Example.com').add('13800138000')
      const byEmail = await t.adminLogin({ email: 'boss@example.COM', password: PASSWORD })
      assert.equal(byEmail.status, 200, JSON.stringify(byEmail.body))
      assert.deepEqual(byEmail.body, { avatar_link: '', email: 'Boss@Example.com', nickname: '', user_id: id })
      const byPhone = await t.adminLogin({ phone: '+86 138 0013 8000', password: PASSWORD })
      assert.equal(byPhone.status, 200, JSON.stringify(byPhone.body))
    })

    it('marks the cookie Secure when the request is secure (behind a trusted TLS proxy)', async () => {
      const t = await create()
      t.app.set('trust proxy', 'loopback')
      await t.signUp('username', 'root')
      t.admins.add('root')
      const res = await t.adminLogin({ username: 'root', password: PASSWORD }).set('X-Forwarded-Proto', 'https')
      assert.equal(res.status, 200)
      assert.match(setCookies(res).join('\n'), /; Secure/i)
    })

    it('answers 400 invalid_credentials for a wrong password or an unknown account, and sets no cookie', async () => {
      const t = await create()
      await t.signUp('username', 'root')
      t.admins.add('root')
      for (const body of [
        { username: 'root', password: 'wrong password' },
        { username: 'nobody', password: PASSWORD },
        { phone: '12', password: PASSWORD },
      ]) {
        const res = await t.adminLogin(body)
        assertError(res, 400, 'invalid_credentials')
        assert.deepEqual(setCookies(res), [])
      }
      assertError(await t.adminLogin({ username: 'root' }), 400, 'invalid_request', 'password')
      assertError(await t.adminLogin({ username: 'root', email: 'a@b.cd', password: PASSWORD }), 400, 'invalid_request')
      assertError(await t.adminLogin({ password: PASSWORD }), 400, 'invalid_request')
    })

    it('answers 403 not_admin for the right password of a user authorize refuses, and sets no cookie', async () => {
      const t = await create()
      await t.signUp('username', 'mallory')
      const res = await t.adminLogin({ username: 'mallory', password: PASSWORD })
      assertError(res, 403, 'not_admin')
      assert.deepEqual(setCookies(res), [])
    })

    it('throttles admin sign-in like the client login (429 with Retry-After), for that account and address only', async () => {
      const t = await create()
      await t.signUp('username', 'root')
      t.admins.add('root')
      for (let i = 0; i < 10; i++) assertError(await t.adminLogin({ username: 'root', password: `guess ${i}` }), 400, 'invalid_credentials')
      const blocked = await t.adminLogin({ username: 'root', password: PASSWORD })
      assertError(blocked, 429, 'login_throttled')
      assert.ok(Number(blocked.headers['retry-after']) > 0)
      assert.equal((await t.adminLogin({ username: 'root', password: PASSWORD }).set('X-Forwarded-For', '10.0.0.1')).status, 429, 'X-Forwarded-For is not trusted by default')
    })

    it('refuses every admin route without a session (401), with a client API token (401) and with forged cookies (401)', async () => {
      const t = await create()
      await t.signUp('username', 'victim')
      const cookie = await t.signInAdmin('root')
      const token = await t.register('username', 'client')
      await assertRefusedEverywhere(t, {}, 401, 'unauthenticated')
      await assertRefusedEverywhere(t, t.auth(token), 401, 'unauthenticated')
      await assertRefusedEverywhere(t, { Authorization: `Bearer ${token}` }, 401, 'unauthenticated')
      const [name, value] = cookie.split('=') as [string, string]
      const signed = decodeURIComponent(value)
      const sid = signed.slice(2, signed.lastIndexOf('.'))
      const forgeries = [
        `${name}=${encodeURIComponent(`s:${sid}.forgedsignature`)}`, // a real session id with a wrong signature
        `${name}=${encodeURIComponent(`s:${'x'.repeat(32)}.${signed.slice(signed.lastIndexOf('.') + 1)}`)}`, // another id, the real signature
        `${name}=${sid}`, // unsigned
        `${name}=garbage`,
      ]
      for (const forged of forgeries) await assertRefusedEverywhere(t, { Cookie: forged }, 401, 'unauthenticated')
      assert.equal((await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200, 'the real cookie still works')
    })

    it('refuses every admin route (403 not_admin) to a session whose user authorize no longer accepts', async () => {
      const t = await create()
      await t.signUp('username', 'victim')
      const cookie = await t.signInAdmin('root')
      t.admins.delete('root')
      await assertRefusedEverywhere(t, { Cookie: cookie }, 403, 'not_admin')
      t.admins.add('root')
      assert.equal((await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200)
    })

    it('refuses an expired session cookie with 401', async () => {
      // Whole seconds: a 2-second session lives between 1 and 2 seconds.
      const t = await create({ admin: { authorize: () => true, sessionTtlSeconds: 2 } })
      await t.signUp('username', 'victim')
      const cookie = await t.signInAdmin('root')
      assert.equal((await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200)
      // The router's clock: the session is still in the store (its TTL runs on the real clock).
      t.clock.advance(3.1)
      await assertRefusedEverywhere(t, { Cookie: cookie }, 401, 'unauthenticated')
    })

    it("keeps the session server-side (in Redis through connect-redis, under the router's key prefix), holding no secret", {
      skip: backend === 'memory' && 'in-process store',
    }, async () => {
      const t = await create({ admin: { authorize: () => true, sessionTtlSeconds: 600 } })
      const cookie = await t.signInAdmin('root')
      const kv = t.kv as RedisKeyValueStore
      const sid = decodeURIComponent(cookie.split('=')[1]!).slice(2).split('.')[0]!
      // The app's store keeps its prefix; the router's own (derived from the user store) follows it.
      const key = `${kv.keyPrefix}${routerKeyPrefix(undefined, t.store, kv)}admin-session:${sid}`
      const stored = await kv.client.get(key)
      assert.ok(stored, `no ${key}`)
      const ttl = await kv.client.ttl(key)
      assert.ok(ttl > 590 && ttl <= 600, `TTL ${ttl}`)
      assert.ok(!stored.includes(PASSWORD))
      assert.deepEqual(Object.keys(JSON.parse(stored).admin).sort(), ['grant', 'passwordStamp', 'signedInAt', 'userId'])
      await t.request.post('/userve/v1/logout/').set('Cookie', cookie)
      assert.equal(await kv.client.get(key), null)
    })

    it('ends a session its lifetime after sign-in, however busy it is', async () => {
      // Whole seconds: a 10-second session lives between 9 and 10 seconds; the real time the
      // requests take moves the clock too, so the checks in its life leave it 5 seconds.
      const t = await create({ admin: { authorize: () => true, sessionTtlSeconds: 10 } })
      const cookie = await t.signInAdmin('root')
      for (let i = 0; i < 4; i++) {
        assert.equal((await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200)
        t.clock.advance(1)
      }
      t.clock.advance(6.1)
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie), 401, 'unauthenticated')
    })

    it('regenerates the session id at sign-in: a cookie from before no longer works', async () => {
      const t = await create()
      const first = await t.signInAdmin('root')
      const again = await t.adminLogin({ username: 'root', password: PASSWORD }).set('Cookie', first)
      assert.equal(again.status, 200)
      const second = sessionCookie(again)
      assert.notEqual(second, first)
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', first), 401, 'unauthenticated')
      assert.equal((await t.request.get('/userve/v1/user-profile/').set('Cookie', second)).status, 200)
    })

    it('signs out with 200: the session is destroyed and the cookie cleared', async () => {
      const t = await create()
      const cookie = await t.signInAdmin('root')
      const other = sessionCookie(await t.adminLogin({ username: 'root', password: PASSWORD }))
      const res = await t.request.post('/userve/v1/logout/').set('Cookie', cookie)
      assert.equal(res.status, 200)
      assert.deepEqual(res.body, { status: 'ok' })
      assert.match(setCookies(res).join('\n'), new RegExp(`${COOKIE_NAME}=;.*Expires=Thu, 01 Jan 1970`))
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie), 401, 'unauthenticated')
      assert.equal((await t.request.get('/userve/v1/user-profile/').set('Cookie', other)).status, 200, 'another session of the admin lives on')
      assert.equal((await t.request.post('/userve/v1/logout/')).status, 200, 'signing out without a session is harmless')
    })

    it('ends the admin sessions of a user whose password changes', async () => {
      const t = await create()
      const cookie = await t.signInAdmin('root')
      const other = await t.signInAdmin('second')
      const id = (await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).body.user_id as number
      const res = await t.request.put(`/userve/v2.2/miniapp/user/account/${id}/`).set('Cookie', other).send({ new_password: 'a new password 9' })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie), 401, 'unauthenticated')
      assert.equal((await t.adminLogin({ username: 'root', password: 'a new password 9' })).status, 200)
    })

    it('keeps passwords, cookies and session ids out of events and logs', async () => {
      const events: unknown[] = []
      const t = await create({ onEvent: (event: unknown) => events.push(event) })
      const cookie = await t.signInAdmin('root')
      await t.adminLogin({ username: 'root', password: 'wrong password' })
      await t.signUp('username', 'plain')
      await t.adminLogin({ username: 'plain', password: PASSWORD })
      await t.request.post('/userve/v1/logout/').set('Cookie', cookie)
      const text = JSON.stringify({ events, warnings: t.logger.warnings, errors: t.logger.errors })
      for (const secret of [PASSWORD, 'wrong password', cookie.split('=')[1]!, decodeURIComponent(cookie.split('=')[1]!).slice(2, 34)]) {
        assert.ok(!text.includes(secret), `found a secret in ${text}`)
      }
      const admin = (events as { type: string; method?: string }[]).filter((e) => e.method?.startsWith('admin'))
      assert.deepEqual(
        admin.map((e) => `${e.type} ${e.method}`),
        ['login admin:username', 'login_failed admin:username', 'logout admin'],
      )
    })
  })
}
