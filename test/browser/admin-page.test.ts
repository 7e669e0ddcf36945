/**
 * The example app's admin page (`/admin.html`) in headless Chromium, clicked through as an operator
 * would: sign in to the admin API (wrong password, non-admin, throttled), list users with filters,
 * sort, total count and pages, edit a user's profile and sign-in data, switch the language, sign
 * out. The users are seeded through the client API over HTTP first; changes are checked through
 * the client API too. Screenshots go to test/browser/screenshots/admin-page-*.png.
 *
 * Chromium is Debian's package (/usr/bin/chromium); absent, the suite is skipped, or fails when
 * CI=true. Run after a build: `node --test dist/test/browser/admin-page.test.js`.
 */
import assert from 'node:assert/strict'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { chromiumUnavailable } from './chromium.js'
import type { ExampleApp } from './example-app.js'
import type { Exchange, NetworkLog } from './network-log.js'
import { pageChecks } from './page-checks.js'
import { sdkDriver } from './sdk-driver.js'
import { startBrowserSession, type BrowserSession } from './session.js'

/** This file is dist/test/browser/admin-page.test.js: the repository is three levels up. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_SCRIPT = join(ROOT, 'dist/examples/server.js')
const SCREENSHOTS = join(ROOT, 'test/browser/screenshots')
const CLIENT_ID = 'demo'
const ADMIN = { username: 'admin', password: 'admin-password-for-tests' }
const PASSWORD = 'seeded-password-1'

/** The page's English messages (examples/public/i18n.js, admin-i18n.js) the checks wait for. */
const EN = {
  loggedIn: 'Signed in.',
  loggedOut: 'Signed out.',
  listed: 'Users listed.',
  userLoaded: 'User opened.',
  profileSaved: 'Profile saved.',
  accountSaved: 'Sign-in data saved.',
  nothingChanged: 'Nothing changed.',
  userSuspended: 'User suspended.',
  userResumed: 'User resumed.',
  sessionEnded: 'Session ended.',
  userDeleted: 'User deleted.',
}

/** Seeded through the client API. Six nicknames contain "Tom", four of them male; `bob` is no admin. */
const SEEDS = [
  { username: 'tom_a', nickname: 'Tom Archer', gender: 1, score: 10 },
  { username: 'tom_b', nickname: 'Tommy Baker', gender: 1, score: 50 },
  { username: 'tom_c', nickname: 'Tomasz Cole', gender: 1, score: 30 },
  { username: 'tom_d', nickname: 'Tom Dane', gender: 0, score: 70 },
  { username: 'tom_e', nickname: 'Tom Evans', gender: 1, score: 20 },
  { username: 'tom_f', nickname: 'Tomoko Fuji', gender: 2, score: 40 },
  { username: 'ann_g', nickname: 'Ann Green', gender: 2, score: 60 },
  { username: 'ann_h', nickname: 'Anna Hill', gender: 2, score: 5 },
  { username: 'bob', nickname: 'Bob', gender: 1, score: 0 },
]
const TOTAL = SEEDS.length + 1 // and the admin

const unavailable = chromiumUnavailable()

describe('the admin page of the example app, clicked through in Chromium', { skip: unavailable ?? false, timeout: 180_000 }, () => {
  let session: BrowserSession | undefined
  let api: ExampleApp | undefined
  let page: Page
  let log: NetworkLog
  let shots = 0
  /** Seeded users by user name: id and client API token. */
  const seeded = new Map<string, { id: number; token: string }>()

  const { explain, find, raw, send } = sdkDriver(() => ({ page, log, apiUrl: api!.url }), CLIENT_ID)
  const { expectStatus, expectError, text } = pageChecks(() => ({ page, log }), explain)

  before(async () => {
    session = await startBrowserSession(SERVER_SCRIPT, { dir: SCREENSHOTS, name: 'admin-page' }, { ADMIN_PASSWORD: ADMIN.password, ADMIN_USERNAME: ADMIN.username })
    ;({ api, page, log } = session)
    for (const { username, ...profile } of SEEDS) {
      const registered = await send('POST', '/hserve/v2.1/register/username/', { username, password: PASSWORD })
      assert.equal(registered.status, 201, JSON.stringify(registered.body))
      const updated = await send('PUT', '/hserve/v2.5/user/info/', profile, registered.body.token)
      assert.equal(updated.status, 200, JSON.stringify(updated.body))
      seeded.set(username, { id: registered.body.id, token: registered.body.token })
    }
  })

  after(async () => {
    await session?.close()
  })

  async function screenshot(name: string): Promise<void> {
    shots += 1
    await page.screenshot({ path: join(SCREENSHOTS, `admin-page-${shots}-${name}.png`), fullPage: true })
  }

  async function signIn(account: string, password: string): Promise<void> {
    await page.fill('#login-form [name=account]', account)
    await page.fill('#login-form [name=password]', password)
    await page.click('#login-form button[type=submit]')
  }

  const search = () => page.click('#filter-form button[type=submit]')
  const column = (field: string) => page.locator(`#users tbody td[data-field="${field}"]`).allTextContents()
  const cell = (id: number, field: string) => text(`#users tr[data-id="${id}"] td[data-field="${field}"]`)
  /** tom_e's password, set by the operator in the sign-in data test. */
  const TOM_E = { username: 'tom_e', password: 'set-by-the-operator-1' }
  const signInTomE = (agent = 'node') => send('POST', '/hserve/v2.1/login/username/', TOM_E, undefined, { 'User-Agent': agent })

  /** The query parameters of the one list request among `exchanges`. */
  function listQuery(exchanges: Exchange[]): URLSearchParams {
    const request = find(exchanges, 'GET', '/userve/v2.2/miniapp/user_profile/?')
    assert.equal(request.status, 200, request.responseBody ?? '')
    return new URL(request.path, api!.url).searchParams
  }

  test('the app prints the admin page URL; the demo page links to it; it opens on the sign-in form', async () => {
    assert.match(api!.output(), new RegExp(`Admin page .*: ${api!.url}/admin\\.html\\n`))
    await page.goto(`${api!.url}/`)
    await page.locator('#signed-out').waitFor()
    await page.click('a[href="admin.html"]')
    await page.waitForURL(`${api!.url}/admin.html`)
    await page.locator('#signed-out').waitFor()
    await page.selectOption('#lang', 'en') // the flows below read the English messages
    assert.equal(await text('h1'), 'express-user-router admin')
    assert.equal(await page.title(), 'express-user-router admin')
    assert.equal(await page.locator('#error').isVisible(), false, 'nobody signed in is no error')
  })

  test('a wrong password and a non-admin account are refused with readable messages', async () => {
    await expectError('wrong password', () => signIn(ADMIN.username, 'not-the-password'), /^Error: 400: Wrong account or password\.$/)
    assert.equal(await page.locator('#signed-in').isVisible(), false)
    await screenshot('wrong-password')
    await expectError('a user who is no admin', () => signIn('bob', PASSWORD), /^Error: 403: This account is not an administrator\.$/)
    assert.equal(await page.locator('#signed-in').isVisible(), false)
  })

  test('the admin signs in (same-origin request, session cookie) and sees who is signed in and every user, with the total', async () => {
    const exchanges = await expectStatus('sign in', () => signIn(ADMIN.username, ADMIN.password), EN.loggedIn)
    const login = find(exchanges, 'POST', '/userve/v1/login/')
    assert.equal(login.status, 200)
    assert.equal(login.requestHeaders.origin, api!.url, 'the router accepts the page’s own origin')
    assert.deepEqual(JSON.parse(login.requestBody!), { username: ADMIN.username, password: ADMIN.password })
    const cookies = await page.context().cookies(api!.url)
    assert.ok(
      cookies.some((cookie) => cookie.httpOnly),
      'an httpOnly session cookie is set',
    )
    assert.equal(listQuery(exchanges).get('return_total_count'), '1')

    assert.equal(await text('#admin-profile dd[data-field="adminName"]'), 'Admin')
    assert.equal(await page.inputValue('#login-form [name=password]'), '', 'no password stays in the hidden form')
    assert.equal(await text('#total'), `(${TOTAL} in all)`)
    assert.equal((await column('id')).length, TOTAL, 'the default page (10) holds them all')
    assert.equal(await page.isDisabled('#next'), true)
    assert.equal(await page.isDisabled('#previous'), true)
    const tom = seeded.get('tom_a')!
    assert.deepEqual(await Promise.all(['username', 'nickname', 'gender', 'email', 'score'].map((field) => cell(tom.id, field))), ['tom_a', 'Tom Archer', 'Male', '—', '10'])
    await screenshot('signed-in')
  })

  test('filters: nickname contains and gender; registered since a date; a where query; an empty result', async () => {
    await page.fill('#filter-form [name=nickname]', 'Tom')
    let exchanges = await expectStatus('nickname contains Tom', search, EN.listed)
    assert.equal(listQuery(exchanges).get('nickname__contains'), 'Tom')
    assert.equal(await text('#total'), '(6 in all)')
    assert.ok((await column('nickname')).every((nickname) => nickname.includes('Tom')))

    await page.selectOption('#filter-form [name=gender]', '1')
    exchanges = await expectStatus('and male', search, EN.listed)
    assert.equal(listQuery(exchanges).get('gender'), '1')
    assert.equal(await text('#total'), '(4 in all)')
    assert.deepEqual([...new Set(await column('gender'))], ['Male'])
    await screenshot('filtered')

    await page.fill('#filter-form [name=since]', '2999-01-01')
    exchanges = await expectStatus('registered in the future', search, EN.listed)
    assert.ok(Number(listQuery(exchanges).get('created_at__gte')) > Date.now() / 1000)
    assert.equal(await text('#users tbody'), 'No user matches.')
    assert.equal(await text('#total'), '(0 in all)')
    await page.fill('#filter-form [name=since]', '2000-01-01')
    await expectStatus('registered since 2000', search, EN.listed)
    assert.equal(await text('#total'), '(4 in all)')

    await page.selectOption('#filter-form [name=gender]', '')
    await page.fill('#filter-form [name=where]', '{"score": {"$gte": 40}}')
    exchanges = await expectStatus('a where query', search, EN.listed)
    assert.deepEqual(JSON.parse(listQuery(exchanges).get('where')!), { score: { $gte: 40 } })
    assert.deepEqual((await column('username')).sort(), ['tom_b', 'tom_d', 'tom_f'])

    await page.fill('#filter-form [name=where]', '{"score": {"$bogus": 1}}')
    await expectError('a malformed where query', search, /^Error: 400: where/)
    await page.fill('#filter-form [name=where]', '')
  })

  test('sorting by score, pages of 4 followed through meta.next and meta.previous', async () => {
    await page.selectOption('#filter-form [name=order]', '-score')
    await page.fill('#filter-form [name=limit]', '4')
    const exchanges = await expectStatus('Toms by score, 4 a page', search, EN.listed)
    const query = listQuery(exchanges)
    assert.equal(query.get('order_by'), '-score')
    assert.equal(query.get('limit'), '4')
    assert.deepEqual(await column('score'), ['70', '50', '40', '30'])
    assert.equal(await text('#page-range'), '1–4')
    assert.equal(await text('#total'), '(6 in all)')
    assert.equal(await page.isDisabled('#previous'), true)

    const next = await expectStatus('next page', () => page.click('#next'), EN.listed)
    assert.equal(listQuery(next).get('offset'), '4')
    assert.deepEqual(await column('score'), ['20', '10'])
    assert.equal(await text('#page-range'), '5–6')
    assert.equal(await page.isDisabled('#next'), true, 'the last page')
    assert.equal(await page.isDisabled('#previous'), false)
    await screenshot('second-page')

    await expectStatus('previous page', () => page.click('#previous'), EN.listed)
    assert.deepEqual(await column('score'), ['70', '50', '40', '30'])
    assert.equal(await page.isDisabled('#previous'), true)
  })

  test('opening a user and editing nickname, score and tags sends only those; an emptied score is removed; the client API sees the changes', async () => {
    const erin = seeded.get('tom_e')!
    await expectStatus('next page', () => page.click('#next'), EN.listed)
    await expectStatus('open tom_e', () => page.click(`#users tr[data-id="${erin.id}"] button.open`), EN.userLoaded)
    assert.equal(await page.inputValue('#profile-form [name=nickname]'), 'Tom Evans')
    assert.equal(await page.inputValue('#profile-form [name=score]'), '20')
    assert.equal(await page.inputValue('#account-form [name=username]'), 'tom_e')

    await expectStatus('save without a change', () => page.click('#profile-form button[type=submit]'), EN.nothingChanged)
    await page.fill('#profile-form [name=nickname]', 'Tom Edwards')
    await page.fill('#profile-form [name=score]', '25')
    await page.fill('#profile-form [name=tags]', 'red， blue')
    let exchanges = await expectStatus('save the profile', () => page.click('#profile-form button[type=submit]'), EN.profileSaved)
    let put = find(exchanges, 'PUT', `/userve/v2.6/miniapp/user_profile/${erin.id}/`)
    assert.equal(put.status, 200, put.responseBody ?? '')
    assert.deepEqual(JSON.parse(put.requestBody!), { nickname: 'Tom Edwards', score: 25, tags: ['red', 'blue'] })
    assert.equal(await cell(erin.id, 'nickname'), 'Tom Edwards', 'the list shows the change')
    assert.equal(await cell(erin.id, 'score'), '25')
    assert.equal(await page.inputValue('#profile-form [name=tags]'), 'red, blue')

    const stored = await raw(`/hserve/v2.5/user/info/${erin.id}/`, erin.token)
    assert.equal(stored.status, 200, JSON.stringify(stored.body))
    assert.deepEqual([stored.body.nickname, stored.body.score, stored.body.tags, stored.body.gender], ['Tom Edwards', 25, ['red', 'blue'], 1])
    await screenshot('profile-saved')

    // An emptied score is removed; then set again.
    await page.fill('#profile-form [name=score]', '')
    exchanges = await expectStatus('remove the score', () => page.click('#profile-form button[type=submit]'), EN.profileSaved)
    assert.deepEqual(JSON.parse(find(exchanges, 'PUT', '/userve/v2.6/').requestBody!), { $unset: { score: '' } })
    assert.equal((await raw(`/hserve/v2.5/user/info/${erin.id}/`, erin.token)).body.score, null)
    await page.fill('#profile-form [name=score]', '25')
    exchanges = await expectStatus('set the score again', () => page.click('#profile-form button[type=submit]'), EN.profileSaved)
    put = find(exchanges, 'PUT', '/userve/v2.6/')
    assert.deepEqual(JSON.parse(put.requestBody!), { score: 25 })
  })

  test('the sign-in data form changes the e-mail, refuses a taken user name, adds and removes a phone, and sets a new password', async () => {
    const erin = seeded.get('tom_e')!
    await page.fill('#account-form [name=email]', 'tom.edwards@example.com')
    let exchanges = await expectStatus('add an e-mail', () => page.click('#account-form button[type=submit]'), EN.accountSaved)
    const put = find(exchanges, 'PUT', `/userve/v2.2/miniapp/user/account/${erin.id}/`)
    assert.equal(put.status, 200, put.responseBody ?? '')
    assert.deepEqual(JSON.parse(put.requestBody!), { email: 'tom.edwards@example.com' })
    assert.equal(await cell(erin.id, 'email'), 'tom.edwards@example.com')
    const own = await raw(`/hserve/v2.5/user/info/${erin.id}/`, erin.token)
    assert.equal(own.body._email, 'tom.edwards@example.com', JSON.stringify(own.body))
    await screenshot('account-saved')

    await page.fill('#account-form [name=username]', 'tom_a')
    await expectError('a taken user name', () => page.click('#account-form button[type=submit]'), /^Error: 400: This user name is already taken\.$/)
    await page.fill('#account-form [name=username]', 'tom_e')

    await page.fill('#account-form [name=phone]', '13800138000')
    exchanges = await expectStatus('add a phone', () => page.click('#account-form button[type=submit]'), EN.accountSaved)
    assert.deepEqual(JSON.parse(find(exchanges, 'PUT', '/userve/v2.2/miniapp/user/account/').requestBody!), { phone: '13800138000' })
    assert.equal(await cell(erin.id, 'phone'), '13800138000')
    await page.fill('#account-form [name=phone]', '')
    exchanges = await expectStatus('remove the phone again', () => page.click('#account-form button[type=submit]'), EN.accountSaved)
    assert.deepEqual(JSON.parse(find(exchanges, 'PUT', '/userve/v2.2/miniapp/user/account/').requestBody!), { phone: null })
    assert.equal(await cell(erin.id, 'phone'), '—')

    await page.fill('#account-form [name=new_password]', 'set-by-the-operator-1')
    exchanges = await expectStatus('set a new password', () => page.click('#account-form button[type=submit]'), EN.accountSaved)
    assert.deepEqual(JSON.parse(find(exchanges, 'PUT', '/userve/v2.2/miniapp/user/account/').requestBody!), { new_password: 'set-by-the-operator-1' })
    assert.equal(await page.inputValue('#account-form [name=new_password]'), '', 'the password field is emptied')
    const login = await send('POST', '/hserve/v2.1/login/username/', { username: 'tom_e', password: 'set-by-the-operator-1' })
    assert.equal(login.status, 201, JSON.stringify(login.body))
  })

  test('the language switch changes every label, the table and the messages', async () => {
    const english = await page.locator('[data-i18n]').allTextContents()
    await page.selectOption('#lang', 'zh')
    const chinese = await page.locator('[data-i18n]').allTextContents()
    assert.equal(chinese.length, english.length)
    assert.deepEqual(
      english.filter((label, i) => label === chinese[i]),
      [],
      'every label has its own Chinese text',
    )
    assert.equal(await text('h1'), 'express-user-router 管理后台')
    assert.equal(await text('#status'), '登录信息已保存。', 'the last message follows the language')
    assert.equal(await text('#users tbody button.open'), '编辑')
    assert.equal(await text('#total'), '（共 6 个）')
    assert.ok((await column('gender')).includes('男'))
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN')
    await screenshot('chinese')

    await page.selectOption('#lang', 'en')
    assert.deepEqual(await page.locator('[data-i18n]').allTextContents(), english)
    assert.equal(await text('#users tbody button.open'), 'Edit')
  })

  test('suspending a user shows the badge and refuses the user’s sign-in; resuming lets it in again', async () => {
    const tom = seeded.get('tom_e')!
    assert.equal(await cell(tom.id, 'state'), 'Active')
    assert.equal(await text('#user-state'), 'Active')
    assert.equal(await text('#suspend'), 'Suspend')
    let exchanges = await expectStatus('suspend tom_e', () => page.click('#suspend'), EN.userSuspended)
    let put = find(exchanges, 'PUT', `/userve/v2.2/miniapp/user/account/${tom.id}/`)
    assert.equal(put.status, 200, put.responseBody ?? '')
    assert.deepEqual(JSON.parse(put.requestBody!), { suspended: true })
    assert.equal(await cell(tom.id, 'state'), 'Suspended')
    assert.ok(await page.locator(`#users tr[data-id="${tom.id}"] td[data-field="state"] .badge.suspended`).isVisible())
    assert.equal(await text('#user-state'), 'Suspended')
    assert.equal(await text('#suspend'), 'Resume')
    await screenshot('suspended')

    const refused = await signInTomE()
    assert.equal(refused.status, 403, JSON.stringify(refused.body))
    assert.equal(refused.body.code, 'account_suspended')
    const wrong = await send('POST', '/hserve/v2.1/login/username/', { username: TOM_E.username, password: 'not-the-password' })
    const wrongElsewhere = await send('POST', '/hserve/v2.1/login/username/', { username: 'tom_a', password: 'not-the-password' })
    assert.deepEqual(wrong, wrongElsewhere, 'a wrong password reveals nothing more for a suspended user')

    await page.fill('#filter-form [name=where]', '{"_suspended": true}')
    exchanges = await expectStatus('list the suspended users', search, EN.listed)
    assert.deepEqual(await column('username'), ['tom_e'])
    await page.fill('#filter-form [name=where]', '')
    await expectStatus('list again', search, EN.listed)
    await expectStatus('the page with tom_e', () => page.click('#next'), EN.listed)

    exchanges = await expectStatus('resume tom_e', () => page.click('#suspend'), EN.userResumed)
    put = find(exchanges, 'PUT', `/userve/v2.2/miniapp/user/account/${tom.id}/`)
    assert.deepEqual(JSON.parse(put.requestBody!), { suspended: false })
    assert.equal(await text('#user-state'), 'Active')
    assert.equal(await text('#suspend'), 'Suspend')
    const login = await signInTomE()
    assert.equal(login.status, 201, JSON.stringify(login.body))
  })

  test('the open user’s sessions are listed; ending one signs that device out', async () => {
    const tom = seeded.get('tom_e')!
    const agent = 'tom-e-phone/1'
    const login = await signInTomE(agent)
    assert.equal(login.status, 201, JSON.stringify(login.body))
    let exchanges = await expectStatus('open tom_e again', () => page.click(`#users tr[data-id="${tom.id}"] button.open`), EN.userLoaded)
    assert.equal(find(exchanges, 'GET', `/userve/v2.2/miniapp/user/sessions/${tom.id}/`).status, 200)
    const row = page.locator('#user-sessions tbody tr', { hasText: agent })
    assert.equal(await row.count(), 1)
    const sessionId = (await row.getAttribute('data-id'))!
    const before = await page.locator('#user-sessions tbody tr').count()
    assert.ok(before >= 2, 'the earlier sign-in is listed too')
    assert.equal(await row.locator('td').first().textContent(), CLIENT_ID)
    await screenshot('sessions')

    exchanges = await expectStatus('end the session', () => row.locator('button.end-session').click(), EN.sessionEnded)
    const ended = find(exchanges, 'DELETE', `/userve/v2.2/miniapp/user/sessions/${tom.id}/${encodeURIComponent(sessionId)}/`)
    assert.equal(ended.status, 204, ended.responseBody ?? '')
    assert.equal(await page.locator('#user-sessions tbody tr', { hasText: agent }).count(), 0)
    assert.equal(await page.locator('#user-sessions tbody tr').count(), before - 1)
    assert.equal((await raw(`/hserve/v2.5/user/info/${tom.id}/`, login.body.token)).status, 401, 'that device is signed out')
  })

  test('deleting a user asks first; cancel keeps the user; yes deletes it, and its sign-in is refused', async () => {
    const tom = seeded.get('tom_e')!
    const total = await text('#total')
    const mark = log.mark()
    await page.click('#delete-user')
    assert.ok(await page.locator('#delete-user-confirm').isVisible())
    assert.equal(await text('#delete-user-question'), `Delete user #${tom.id} tom_e for good? This cannot be undone.`)
    await screenshot('delete-confirm')
    await page.click('#delete-user-cancel')
    assert.equal(await page.locator('#delete-user-confirm').isVisible(), false)
    await log.settled()
    assert.deepEqual(
      log.since(mark).filter((exchange) => exchange.method === 'DELETE'),
      [],
      'cancel sends nothing',
    )

    await page.click('#delete-user')
    const exchanges = await expectStatus('delete tom_e', () => page.click('#delete-user-yes'), EN.userDeleted)
    const deleted = find(exchanges, 'DELETE', `/userve/v2.2/miniapp/user/account/${tom.id}/`)
    assert.equal(deleted.status, 204, deleted.responseBody ?? '')
    assert.equal(await page.locator('#lifecycle-card').isVisible(), false)
    assert.equal(await page.locator('#profile-form').isVisible(), false)
    assert.equal(await page.locator(`#users tr[data-id="${tom.id}"]`).count(), 0)
    assert.notEqual(await text('#total'), total)
    const login = await signInTomE()
    assert.equal(login.status, 400, JSON.stringify(login.body))
    const status = await page.evaluate((id) => fetch(`/userve/v2.2/miniapp/user_profile/${id}/`, { credentials: 'same-origin' }).then((r) => r.status), tom.id)
    assert.equal(status, 404, 'the admin API no longer knows the user')
  })

  test('signing out removes the users from the page, and the list is no longer reachable', async () => {
    await expectStatus('sign out', () => page.click('#logout'), EN.loggedOut)
    assert.equal(await page.locator('#signed-in').isVisible(), false)
    assert.equal(await page.locator('#signed-out').isVisible(), true)
    assert.equal(await page.locator('#users tbody tr').count(), 0)
    const status = await page.evaluate(() => fetch('/userve/v2.2/miniapp/user_profile/', { credentials: 'same-origin' }).then((r) => r.status))
    assert.equal(status, 401)
    await page.reload()
    await page.locator('#signed-out').waitFor()
    assert.equal(await page.locator('#error').isVisible(), false)
    await screenshot('signed-out')
  })

  test('a session that ends meanwhile brings back the sign-in form with a message', async () => {
    await expectStatus('sign in again', () => signIn(ADMIN.username, ADMIN.password), EN.loggedIn)
    await page.context().clearCookies()
    await expectError('search without a session', search, /^Error: 401: Not signed in, or the session has ended: sign in again\.$/)
    assert.equal(await page.locator('#signed-out').isVisible(), true)
    assert.equal(await page.locator('#users tbody tr').count(), 0)
  })

  test('after too many failed sign-ins the page says so, with the wait', async () => {
    // Ten failures (the default per account and address) from here, then one more from the page,
    // which gives the wait of the 15-minute window in minutes.
    for (let i = 0; i < 10; i += 1) {
      const response = await fetch(`${api!.url}/userve/v1/login/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'bob', password: `wrong-${i}` }),
      })
      assert.equal(response.status, 400)
    }
    await expectError('throttled', () => signIn('bob', 'wrong-again'), /^Error: 429: Too many failed sign-in attempts\. \(try again in 1[0-5] min\)$/)
    await screenshot('throttled')
  })

  test('the page ran without script errors', () => {
    assert.deepEqual(
      log.console.filter((line) => line.startsWith('pageerror:')),
      [],
    )
  })
})
