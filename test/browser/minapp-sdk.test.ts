/**
 * The official MinApp web SDK (`minapp-sdk/lib/web.js`) in headless Chromium, unmodified, against
 * the example app: a page served from one loopback origin calls the API on another, as a real web
 * app does. Every check drives the SDK with `page.evaluate`, the way an app would call it.
 *
 * Chromium is Debian's package (/usr/bin/chromium); absent, the suite is skipped, or fails when
 * CI=true. Run after a build: `node --test dist/test/browser/minapp-sdk.test.js`.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { chromiumUnavailable } from './chromium.js'
import type { ExampleApp } from './example-app.js'
import { formatExchange, type NetworkLog } from './network-log.js'
import { sdkDriver, type Settled } from './sdk-driver.js'
import { startBrowserSession, type BrowserSession } from './session.js'
import type { StaticOrigin } from './static-origin.js'

// In the page: the SDK's global and the page's own `settle` helper (see static-origin.ts).
declare const BaaS: any
declare function settle(promise: unknown): Promise<Settled>
declare const localStorage: { getItem(key: string): string | null }
declare const location: { origin: string }

/** This file is dist/test/browser/minapp-sdk.test.js: the repository is three levels up. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_SCRIPT = join(ROOT, 'dist/examples/server.js')
const SCREENSHOTS = join(ROOT, 'test/browser/screenshots')
const CLIENT_ID = 'demo'

const unavailable = chromiumUnavailable()

describe('minapp-sdk (web build) in Chromium against the example app', { skip: unavailable ?? false, timeout: 120_000 }, () => {
  let session: BrowserSession | undefined
  let api: ExampleApp | undefined
  let origin: StaticOrigin | undefined
  let page: Page
  let log: NetworkLog

  const run = randomBytes(3).toString('hex')
  const alice = { username: `alice_${run}`, password: 'first-password-1', id: 0 }
  const bob = { email: `bob_${run}@example.com`, password: 'bob-password-1', id: 0 }

  before(async () => {
    session = await startBrowserSession(SERVER_SCRIPT, { dir: SCREENSHOTS, name: 'minapp-sdk' })
    ;({ api, origin, page, log } = session)
    await page.goto(`${origin.url}/`)
  })

  after(async () => {
    await session?.close()
  })

  const { explain, expectOk, expectRejected, find, raw } = sdkDriver(() => ({ page, log, apiUrl: api!.url }), CLIENT_ID)

  const storedToken = () => page.evaluate(() => BaaS.getAuthToken() as Promise<string | null>)

  test('the page loads the SDK from its own origin and points it at the API origin with BaaS.init', async () => {
    assert.notEqual(new URL(origin!.url).origin, new URL(api!.url).origin)
    const info = await page.evaluate(
      ({ clientId, host }) => {
        BaaS.init(clientId, { host })
        return { type: typeof BaaS, version: BaaS._config.VERSION, host: BaaS._polyfill.getAPIHost(), origin: location.origin }
      },
      { clientId: CLIENT_ID, host: api!.url },
    )
    assert.equal(info.type, 'object')
    assert.equal(info.host, api!.url)
    assert.equal(info.origin, origin!.url)
  })

  test('BaaS.auth.register with a username creates the user and signs it in', async () => {
    const { value, exchanges } = await expectOk(
      'register by username',
      ({ username, password }) => settle(BaaS.auth.register({ username, password }).then((user: any) => user.toJSON())),
      alice,
    )
    const register = find(exchanges, 'POST', '/hserve/v2.1/register/username/')
    assert.equal(register.status, 201, formatExchange(register))
    assert.equal(register.responseHeaders['cache-control'], 'no-store', formatExchange(register))
    const body = JSON.parse(register.responseBody!)
    assert.equal(typeof body.token, 'string')
    assert.equal(body.expires_in, 2592000)
    assert.equal(typeof value.id, 'number')
    assert.equal(value._username, alice.username)
    assert.equal(body.user_id, value.id)
    alice.id = value.id
    assert.equal(await storedToken(), body.token, 'the SDK stores the token from the register answer in localStorage')
    const uid = await page.evaluate(() => JSON.parse(localStorage.getItem('ifx_baas_uid') ?? 'null')?.value)
    assert.equal(uid, alice.id)
  })

  test('BaaS.auth.register with an e-mail creates the user and signs it in', async () => {
    const { value, exchanges } = await expectOk(
      'register by e-mail',
      ({ email, password }) => settle(BaaS.auth.register({ email, password }).then((user: any) => user.toJSON())),
      bob,
    )
    assert.equal(find(exchanges, 'POST', '/hserve/v2.1/register/email/').status, 201)
    assert.equal(value._email, bob.email)
    assert.equal(value._email_verified, false)
    assert.notEqual(value.id, alice.id)
    bob.id = value.id
  })

  test('registering a taken username or e-mail again is rejected with the server’s 400', async () => {
    const again = ({ username, password }: { username: string; password: string }) => settle(BaaS.auth.register({ username, password }))
    const { message } = await expectRejected('register a taken username', 400, again, alice)
    assert.match(message, /^400: \S/, 'the SDK shows the server’s error_msg')
    await expectRejected('register a taken username in other case', 400, again, { ...alice, username: alice.username.toUpperCase() })
    await expectRejected('register a taken e-mail', 400, ({ email, password }) => settle(BaaS.auth.register({ email, password })), bob)
  })

  test('BaaS.auth.login with a username signs that user in', async () => {
    const { value, exchanges } = await expectOk(
      'login by username',
      ({ username, password }) => settle(BaaS.auth.login({ username, password }).then((user: any) => user.toJSON())),
      alice,
    )
    assert.equal(find(exchanges, 'POST', '/hserve/v2.1/login/username/').status, 201)
    assert.equal(value.id, alice.id)
  })

  test('BaaS.auth.login with an e-mail signs that user in', async () => {
    const { value, exchanges } = await expectOk('login by e-mail', ({ email, password }) => settle(BaaS.auth.login({ email, password }).then((user: any) => user.toJSON())), bob)
    assert.equal(find(exchanges, 'POST', '/hserve/v2.1/login/email/').status, 201)
    assert.equal(value.id, bob.id)
    assert.equal(value._email, bob.email)
  })

  test('a wrong password, or an unknown user, is rejected with 400', async () => {
    await expectRejected('login with a wrong password', 400, ({ username }) => settle(BaaS.auth.login({ username, password: 'not-the-password' })), alice)
    await expectRejected('login as an unknown user', 400, () => settle(BaaS.auth.login({ username: 'nobody_at_all', password: 'whatever-123' })), null)
  })

  test('a stale token left in storage does not stop a login (the SDK sends it along)', async () => {
    await page.evaluate(() => BaaS.storage.set('auth_token', 'stale-token-from-an-old-session'))
    const { exchanges } = await expectOk('login by username with a stale stored token', ({ username, password }) => settle(BaaS.auth.login({ username, password })), alice)
    const login = find(exchanges, 'POST', '/hserve/v2.1/login/username/')
    assert.equal(login.requestHeaders.authorization, 'Hydrogen-r1 stale-token-from-an-old-session')
    assert.equal(login.status, 201)
  })

  test('BaaS.auth.getCurrentUser returns the signed-in user', async () => {
    const { value, exchanges } = await expectOk('getCurrentUser', () => settle(BaaS.auth.getCurrentUser().then((user: any) => user.toJSON())), null)
    const get = find(exchanges, 'GET', `/hserve/v2.5/user/info/${alice.id}/`)
    assert.equal(get.status, 200)
    assert.equal(value.id, alice.id)
    assert.equal(value.user_id, alice.id)
    assert.equal(value._username, alice.username)
    assert.equal(typeof value.created_at, 'number')
  })

  test('currentUser.setUsername renames the account', async () => {
    const renamed = `alice2_${run}`
    const { value, exchanges } = await expectOk(
      'setUsername',
      (username) =>
        settle(
          BaaS.auth
            .getCurrentUser()
            .then((user: any) => user.setUsername(username))
            .then((user: any) => user.toJSON()),
        ),
      renamed,
    )
    const put = find(exchanges, 'PUT', '/hserve/v2.2/user/account/')
    assert.equal(put.status, 200)
    assert.equal(value.username, renamed)
    alice.username = renamed
    const { value: again } = await expectOk('getCurrentUser', () => settle(BaaS.auth.getCurrentUser().then((user: any) => user.toJSON())), null)
    assert.equal(again._username, renamed)
  })

  test('currentUser.setEmail sets the e-mail, unverified', async () => {
    const email = `Alice_${run}@Example.com`
    const { value, exchanges } = await expectOk(
      'setEmail',
      (address) =>
        settle(
          BaaS.auth
            .getCurrentUser()
            .then((user: any) => user.setEmail(address))
            .then((user: any) => user.toJSON()),
        ),
      email,
    )
    assert.equal(find(exchanges, 'PUT', '/hserve/v2.2/user/account/').status, 200)
    assert.equal(value.email, email)
    assert.equal(value.email_verified, false)
    assert.equal(value.username, alice.username)
  })

  test('currentUser.updatePassword changes the password: the old one stops working, the new one works', async () => {
    const newPassword = 'second-password-2'
    const { exchanges } = await expectOk(
      'updatePassword',
      ({ password, newPassword }) =>
        settle(
          BaaS.auth
            .getCurrentUser()
            .then((user: any) => user.updatePassword({ password, newPassword }))
            .then(() => null),
        ),
      { password: alice.password, newPassword },
    )
    assert.equal(find(exchanges, 'PUT', '/hserve/v2.2/user/account/').status, 200)
    const oldPassword = alice.password
    alice.password = newPassword
    const login = ({ username, password }: { username: string; password: string }) => settle(BaaS.auth.login({ username, password }))
    await expectRejected('login with the old password', 400, login, { username: alice.username, password: oldPassword })
    await expectOk('login with the new password', login, alice)
  })

  test('new BaaS.User().get(id) reads a user: the whole record for oneself, the public profile for others', async () => {
    const get = (id: number) => settle(new BaaS.User().get(id).then((res: any) => res.data))
    const { value: self, exchanges } = await expectOk('get own record', get, alice.id)
    assert.equal(find(exchanges, 'GET', `/hserve/v2.5/user/info/${alice.id}/`).status, 200)
    assert.equal(self.id, alice.id)
    assert.equal(self._username, alice.username)
    assert.equal(self._email, `Alice_${run}@Example.com`)
    const { value: other } = await expectOk('get another user', get, bob.id)
    assert.equal(other.id, bob.id)
    assert.equal(other._email, undefined, 'another user’s e-mail is hidden')
    await expectRejected('get an unknown user', 404, get, 999_999_999)
  })

  const people = [
    { name: 'anna', score: 10, tags: ['red'] },
    { name: 'bert', score: 20, tags: ['red', 'blue'] },
    { name: 'carl', score: 30, tags: ['blue'] },
    { name: 'dora', score: 40, tags: [] },
    { name: 'emil', score: 50, tags: ['green'] },
  ].map((p) => ({ ...p, nickname: `q${run}-${p.name}`, username: `${p.name}_${run}`, password: `${p.name}-password-1` }))

  test('currentUser.set({...}).update() saves profile fields (built-in and custom)', async () => {
    for (const person of people) {
      const { value, exchanges } = await expectOk(
        `register ${person.username} and set its profile`,
        ({ username, password, nickname, score, tags }) =>
          settle(
            BaaS.auth
              .register({ username, password })
              .then((user: any) => user.set({ nickname, score, tags }).update())
              .then((res: any) => res.data),
          ),
        person,
      )
      const put = find(exchanges, 'PUT', '/hserve/v2.5/user/info/')
      assert.equal(put.status, 200)
      assert.deepEqual(JSON.parse(put.requestBody!), { nickname: person.nickname, score: person.score, tags: person.tags })
      assert.equal(value.nickname, person.nickname)
      assert.equal(value.score, person.score)
      assert.deepEqual(value.tags, person.tags)
    }
    await expectOk('login back as alice', ({ username, password }) => settle(BaaS.auth.login({ username, password })), alice)
  })

  test('a BaaS.Query with compare, contains and in, ordered, limited and offset, answers the matching page', async () => {
    const { value, exchanges } = await expectOk(
      'query users',
      ({ prefix, names }) => {
        const query = new BaaS.Query()
        query.contains('nickname', prefix)
        query.compare('score', '>', 15)
        query.in('nickname', names)
        return settle(
          new BaaS.User()
            .setQuery(query)
            .orderBy('-score')
            .limit(2)
            .offset(1)
            .find()
            .then((res: any) => res.data),
        )
      },
      { prefix: `q${run}-`, names: ['anna', 'bert', 'carl', 'dora'].map((n) => `q${run}-${n}`) },
    )
    const list = find(exchanges, 'GET', '/hserve/v2.2/user/info/')
    assert.equal(list.status, 200)
    assert.deepEqual(
      value.objects.map((u: { nickname: string }) => u.nickname),
      [`q${run}-carl`, `q${run}-bert`],
      explain('the page', [list]),
    )
    assert.equal(value.meta.limit, 2)
    assert.equal(value.meta.offset, 1)
    assert.equal(value.objects[0]._email, undefined, 'other users’ e-mails are hidden in lists')

    const { value: ascending } = await expectOk(
      'query users in ascending order',
      (prefix) =>
        settle(
          new BaaS.User()
            .setQuery(new BaaS.Query().contains('nickname', prefix))
            .orderBy(['score'])
            .find()
            .then((res: any) => res.data),
        ),
      `q${run}-`,
    )
    assert.deepEqual(
      ascending.objects.map((u: { nickname: string }) => u.nickname),
      people.map((p) => p.nickname),
    )
  })

  test('count() and find({withCount: true}) on a query count every match', async () => {
    const { value: count, exchanges } = await expectOk(
      'count',
      ({ prefix, names }) => {
        const query = new BaaS.Query()
        query.contains('nickname', prefix)
        query.compare('score', '>', 15)
        query.in('nickname', names)
        return settle(new BaaS.User().setQuery(query).count())
      },
      { prefix: `q${run}-`, names: ['anna', 'bert', 'carl', 'dora'].map((n) => `q${run}-${n}`) },
    )
    assert.equal(count, 3, explain('count', exchanges))
    const { value } = await expectOk(
      'find with count',
      (prefix) =>
        settle(
          new BaaS.User()
            .setQuery(new BaaS.Query().contains('nickname', prefix))
            .limit(2)
            .find({ withCount: true })
            .then((res: any) => res.data),
        ),
      `q${run}-`,
    )
    assert.equal(value.meta.total_count, 5)
    assert.equal(value.objects.length, 2)
    assert.equal(typeof value.meta.next, 'string')
    assert.equal(value.meta.previous, null)
  })

  test('currentUser.set(...).incrementBy(...).update() changes only the named fields', async () => {
    const update = ({ nickname, by }: { nickname: string | null; by: number | null }) =>
      settle(
        BaaS.auth.getCurrentUser().then((user: any) => {
          if (nickname === null) user.set('score', 5)
          else user.set('nickname', nickname).incrementBy('score', by)
          return user.update().then((res: any) => res.data)
        }),
      )
    await expectOk('set score 5', update, { nickname: null, by: null })
    const { value, exchanges } = await expectOk('set nickname and increment score', update, { nickname: `Alice ${run}`, by: 2 })
    const put = find(exchanges, 'PUT', '/hserve/v2.5/user/info/')
    assert.deepEqual(JSON.parse(put.requestBody!), { nickname: `Alice ${run}`, score: { $incr_by: 2 } })
    assert.equal(value.id, alice.id)
    assert.equal(value.nickname, `Alice ${run}`)
    assert.equal(value.score, 7)
    assert.equal(value._username, alice.username, 'other fields are untouched')
  })

  test('BaaS.auth.logout ends the session: the old token is refused with 401', async () => {
    const token = await storedToken()
    assert.ok(token, 'signed in before logout')
    const before = await raw(`/hserve/v2.5/user/info/${alice.id}/`, token)
    assert.equal(before.status, 200, `the token works before logout: ${JSON.stringify(before.body)}`)
    const { exchanges } = await expectOk('logout', () => settle(BaaS.auth.logout().then((res: any) => res.data)), null)
    const destroy = find(exchanges, 'POST', '/hserve/v2.0/session/destroy/')
    assert.equal(destroy.status, 201)
    assert.equal(await storedToken(), '', 'the SDK clears its stored token')
    const afterLogout = await raw(`/hserve/v2.5/user/info/${alice.id}/`, token)
    assert.equal(afterLogout.status, 401, `the old token after logout: ${JSON.stringify(afterLogout.body)}`)
    await expectRejected('getCurrentUser after logout', 604, () => settle(BaaS.auth.getCurrentUser()), null)
    const anonymous = await raw(`/hserve/v2.5/user/info/${alice.id}/`, null)
    assert.equal(anonymous.status, 401)
  })
})
