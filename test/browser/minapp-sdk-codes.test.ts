/**
 * The MinApp web SDK's SMS-code and e-mail-link flows in headless Chromium against the example app
 * started with `DEV_OUTBOX=1`: the SDK asks for a code or a link as an app would, the test reads
 * what was "sent" from `GET /dev/outbox?to=` (from Node, outside the browser) and hands it back to
 * the SDK, or opens the link in the page as the user's browser would.
 *
 * Limits the flows run into: one SMS per phone per 60 s (every check uses its own random mainland
 * number), and one mail per address per 60 s. The password reset needs a verified address, whose
 * verification mail went to that same address: the e-mail verification runs first and the reset
 * last, after waiting out what remains of the address's 60 s.
 *
 * Chromium is Debian's package (/usr/bin/chromium); absent, the suite is skipped, or fails when
 * CI=true. Run after a build: `node --test dist/test/browser/minapp-sdk-codes.test.js`.
 */
import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { chromiumUnavailable } from './chromium.js'
import type { OutboxEntry } from '../../examples/dev-outbox.js'
import type { ExampleApp } from './example-app.js'
import { formatExchange, type NetworkLog } from './network-log.js'
import { sdkDriver, type Settled } from './sdk-driver.js'
import { startBrowserSession, type BrowserSession } from './session.js'
import type { StaticOrigin } from './static-origin.js'

// In the page: the SDK's global and the page's own `settle` helper (see static-origin.ts).
declare const BaaS: any
declare function settle(promise: unknown): Promise<Settled>

/** This file is dist/test/browser/minapp-sdk-codes.test.js: the repository is three levels up. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_SCRIPT = join(ROOT, 'dist/examples/server.js')
const SCREENSHOTS = join(ROOT, 'test/browser/screenshots')
const CLIENT_ID = 'demo'
/** The router's per-address mail cooldown (default `email.cooldownSeconds`). */
const EMAIL_COOLDOWN_SECONDS = 60

/** A random mainland mobile number, `1[3-9]` and nine digits: one per check (one SMS per phone per 60 s). */
function randomPhone(): string {
  return `1${randomInt(3, 10)}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`
}

/** Another 6-digit code than `code`. */
function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0')
}

const unavailable = chromiumUnavailable()

describe('minapp-sdk (web build): SMS codes and e-mail links, read from the dev outbox', { skip: unavailable ?? false, timeout: 240_000 }, () => {
  let session: BrowserSession | undefined
  let api: ExampleApp | undefined
  let origin: StaticOrigin | undefined
  let page: Page
  let log: NetworkLog

  const run = randomBytes(3).toString('hex')
  const carol = { email: `carol_${run}@example.com`, password: 'carol-password-1', newPassword: 'carol-password-2', id: 0, token: '' }
  /** Unix seconds of the verification mail to carol: the reset mail must wait out the cooldown. */
  let verificationSentAt = 0

  before(async () => {
    session = await startBrowserSession(SERVER_SCRIPT, { dir: SCREENSHOTS, name: 'minapp-sdk-codes' }, { DEV_OUTBOX: '1' })
    ;({ api, origin, page, log } = session)
    await openApp()
  })

  after(async () => {
    await session?.close()
  })

  /** Loads the app page (again, after the page visited a link) and initialises the SDK. */
  async function openApp(): Promise<void> {
    await page.goto(`${origin!.url}/`)
    await page.evaluate(({ clientId, host }) => BaaS.init(clientId, { host }), { clientId: CLIENT_ID, host: api!.url })
  }

  const { call, explain, expectOk, expectRejected, find, raw } = sdkDriver(() => ({ page, log, apiUrl: api!.url }), CLIENT_ID)

  /** The last message the outbox holds for `to` that satisfies `accept` (waits up to 3 s for it). */
  async function outbox(to: string, accept: (entry: OutboxEntry) => boolean = () => true): Promise<OutboxEntry> {
    const deadline = Date.now() + 3000
    let last = ''
    for (;;) {
      const response = await fetch(`${api!.url}/dev/outbox?to=${encodeURIComponent(to)}`)
      last = `${response.status} ${await response.text()}`
      if (response.status === 200) {
        const entry = JSON.parse(last.slice(4)) as OutboxEntry
        if (accept(entry)) return entry
      } else if (response.status !== 404) {
        break
      }
      if (Date.now() > deadline) break
      await sleep(100)
    }
    assert.fail(`the dev outbox has no fitting message for ${to}; it answered ${last}`)
  }

  const storedToken = () => page.evaluate(() => BaaS.getAuthToken() as Promise<string | null>)

  /** Sends a code with `BaaS.sendSmsCode({phone})` and reads it from the outbox. */
  async function sendCode(phone: string): Promise<string> {
    const since = Math.floor(Date.now() / 1000)
    const { result, exchanges } = await call(({ phone }) => settle(BaaS.sendSmsCode({ phone })), { phone })
    if (!result.ok) {
      // A fresh number cannot hit its own limits: a refusal here is the per-IP hourly cap (30),
      // counted under this run's own Redis prefix (or in the app's in-process stand-in).
      const capped = exchanges.some((e) => e.responseBody?.includes('"sms_rate_limited"'))
      const hint = capped && api!.redis ? ' (the per-IP hourly SMS cap of the example app)' : ''
      assert.fail(explain(`BaaS.sendSmsCode to a fresh number: the SDK rejected with ${result.code} "${result.message}"${hint}`, exchanges))
    }
    const send = find(exchanges, 'POST', '/hserve/v2.2/sms-verification-code/')
    assert.equal(send.status, 200, formatExchange(send))
    assert.deepEqual(JSON.parse(send.requestBody ?? 'null'), { phone }, formatExchange(send))
    const entry = await outbox(phone, (e) => e.sent_at >= since && typeof e.code === 'string')
    assert.match(entry.code!, /^\d{6}$/)
    return entry.code!
  }

  test('the page runs the SDK against the API on another origin, and the dev outbox answers', async () => {
    assert.notEqual(new URL(origin!.url).origin, new URL(api!.url).origin)
    assert.equal(await page.evaluate(() => BaaS._polyfill.getAPIHost() as string), api!.url)
    const none = await fetch(`${api!.url}/dev/outbox?to=${randomPhone()}`)
    assert.equal(none.status, 404, 'nothing was sent to a fresh number yet')
  })

  // First of the e-mail checks, so that the reset mail (last test) can follow after the cooldown.
  test('currentUser.requestEmailVerification mails a link; opening it marks _email_verified', async () => {
    const { value } = await expectOk('register by e-mail', ({ email, password }) => settle(BaaS.auth.register({ email, password }).then((user: any) => user.toJSON())), carol)
    assert.equal(value._email, carol.email)
    assert.equal(value._email_verified, false)
    carol.id = value.id

    const since = Math.floor(Date.now() / 1000)
    const { exchanges } = await expectOk(
      'currentUser.requestEmailVerification',
      () =>
        settle(
          BaaS.auth
            .getCurrentUser()
            .then((user: any) => user.requestEmailVerification())
            .then(() => null),
        ),
      null,
    )
    const request = find(exchanges, 'POST', '/hserve/v2.0/user/email-verify/')
    assert.equal(request.status, 201, formatExchange(request))
    assert.deepEqual(JSON.parse(request.responseBody!), { status: 'ok' })

    const mail = await outbox(carol.email, (e) => e.sent_at >= since && typeof e.link === 'string')
    verificationSentAt = mail.sent_at
    const link = new URL(mail.link!)
    assert.equal(link.origin, api!.url, `the link points at the API origin: ${mail.link}`)
    assert.equal(link.pathname, '/hserve/v2.0/user/email-verify/confirm')
    assert.ok(link.searchParams.get('token'), `the link carries a token: ${mail.link}`)

    // The user opens the link from the mail in the browser.
    const opened = await page.goto(mail.link!)
    assert.equal(opened?.status(), 200, `opening the verification link: ${await page.content()}`)
    assert.match((await page.locator('h1').textContent()) ?? '', /邮箱已验证|E-mail address verified/)
    // The link is single-use.
    const again = await page.goto(mail.link!)
    assert.equal(again?.status(), 400, 'the verification link a second time')

    await openApp()
    const { value: after } = await expectOk('getCurrentUser after verification', () => settle(BaaS.auth.getCurrentUser().then((user: any) => user.toJSON())), null)
    assert.equal(after.id, carol.id)
    assert.equal(after._email_verified, true)
    carol.token = (await storedToken()) ?? ''
    assert.notEqual(carol.token, '')
  })

  test('BaaS.sendSmsCode then BaaS.verifySmsCode: the right code passes once; a wrong or reused code fails with 400', async () => {
    const phone = randomPhone()
    const code = await sendCode(phone)
    const verify = ({ phone, code }: { phone: string; code: string }) => settle(BaaS.verifySmsCode({ phone, code }))

    const { exchanges: wrong } = await expectRejected('verifySmsCode with a wrong code', 400, verify, { phone, code: wrongCode(code) })
    assert.equal(find(wrong, 'POST', '/hserve/v1.8/sms-verification-code/verify/').status, 400)

    const { exchanges } = await expectOk('verifySmsCode with the code from the outbox', verify, { phone, code })
    const ok = find(exchanges, 'POST', '/hserve/v1.8/sms-verification-code/verify/')
    assert.equal(ok.status, 200, formatExchange(ok))
    assert.deepEqual(JSON.parse(ok.requestBody ?? 'null'), { phone, code }, formatExchange(ok))
    assert.deepEqual(JSON.parse(ok.responseBody!), { status: 'ok' })

    await expectRejected('verifySmsCode with the same code again', 400, verify, { phone, code })

    // One code per phone per 60 s.
    await expectRejected('a second sendSmsCode to the same phone at once', 400, ({ phone }) => settle(BaaS.sendSmsCode({ phone })), { phone })
  })

  test('BaaS.sendSmsCode then BaaS.auth.loginWithSmsVerificationCode signs a new user in, phone verified', async () => {
    const phone = randomPhone()
    const code = await sendCode(phone)
    const { value, exchanges } = await expectOk(
      'auth.loginWithSmsVerificationCode',
      ({ phone, code }) => settle(BaaS.auth.loginWithSmsVerificationCode(phone, code, { createUser: true }).then((user: any) => user.toJSON())),
      { phone, code },
    )
    const login = find(exchanges, 'POST', '/hserve/v2.1/login/sms/')
    assert.equal(login.status, 201, formatExchange(login))
    assert.deepEqual(JSON.parse(login.requestBody ?? 'null'), { phone, code, create_user: true })
    const body = JSON.parse(login.responseBody!)
    assert.equal(typeof body.token, 'string')
    assert.equal(await storedToken(), body.token, 'the SDK stores the token from the login answer')
    assert.notEqual(value.id, carol.id)
    assert.equal(value._phone, phone)

    const { value: current } = await expectOk('getCurrentUser after the SMS login', () => settle(BaaS.auth.getCurrentUser().then((user: any) => user.toJSON())), null)
    assert.equal(current.id, value.id)
    assert.equal(current._phone, phone)
    assert.equal(current._phone_verified, true)

    // create_user: false and an unknown phone: 404, and nobody is signed in by it.
    const other = randomPhone()
    const otherCode = await sendCode(other)
    await expectRejected(
      'loginWithSmsVerificationCode for an unknown phone with createUser: false',
      404,
      ({ phone, code }) => settle(BaaS.auth.loginWithSmsVerificationCode(phone, code, { createUser: false })),
      { phone: other, code: otherCode },
    )
  })

  test('a username user: currentUser.setMobilePhone, sendSmsCode, currentUser.verifyMobilePhone verify the phone', async () => {
    const dave = { username: `dave_${run}`, password: 'dave-password-1' }
    const { value: registered } = await expectOk(
      'register by username',
      ({ username, password }) => settle(BaaS.auth.register({ username, password }).then((user: any) => user.toJSON())),
      dave,
    )
    const phone = randomPhone()
    const { exchanges: setExchanges } = await expectOk(
      'currentUser.setMobilePhone',
      ({ phone }) =>
        settle(
          BaaS.auth
            .getCurrentUser()
            .then((user: any) => user.setMobilePhone(phone))
            .then(() => null),
        ),
      { phone },
    )
    const put = find(setExchanges, 'PUT', '/hserve/v2.2/user/account/')
    assert.equal(put.status, 200, formatExchange(put))
    const account = JSON.parse(put.responseBody!)
    assert.equal(account.phone, phone)
    assert.equal(account.phone_verified, false)

    const code = await sendCode(phone)
    await expectRejected(
      'currentUser.verifyMobilePhone with a wrong code',
      400,
      ({ code }) => settle(BaaS.auth.getCurrentUser().then((user: any) => user.verifyMobilePhone(code))),
      { code: wrongCode(code) },
    )
    const { exchanges } = await expectOk(
      'currentUser.verifyMobilePhone',
      ({ code }) =>
        settle(
          BaaS.auth
            .getCurrentUser()
            .then((user: any) => user.verifyMobilePhone(code))
            .then(() => null),
        ),
      { code },
    )
    const verify = find(exchanges, 'POST', '/hserve/v2.1/sms-phone-verification/')
    assert.equal(verify.status, 200, formatExchange(verify))
    assert.deepEqual(JSON.parse(verify.requestBody ?? 'null'), { code }, 'the SDK sends the code alone')

    const { value: current } = await expectOk('getCurrentUser after verifyMobilePhone', () => settle(BaaS.auth.getCurrentUser().then((user: any) => user.toJSON())), null)
    assert.equal(current.id, registered.id)
    assert.equal(current._phone, phone)
    assert.equal(current._phone_verified, true)
    const viaRaw = await raw(`/hserve/v2.5/user/info/${registered.id}/`, await storedToken())
    assert.equal(viaRaw.status, 200, JSON.stringify(viaRaw.body))
    assert.equal(viaRaw.body._phone_verified, true)
  })

  test('BaaS.auth.requestPasswordReset mails a link; the form in the page sets a new password', { timeout: 120_000 }, async () => {
    assert.ok(verificationSentAt > 0, 'the e-mail verification test ran first')
    const wait = (verificationSentAt + EMAIL_COOLDOWN_SECONDS + 2) * 1000 - Date.now()
    if (wait > 0) await sleep(wait) // one mail per address per 60 s: the verification mail went to carol too

    const since = Math.floor(Date.now() / 1000)
    const { exchanges } = await expectOk('auth.requestPasswordReset', ({ email }) => settle(BaaS.auth.requestPasswordReset({ email })), carol)
    const request = find(exchanges, 'POST', '/hserve/v2.0/user/password/reset/')
    assert.equal(request.status, 201, formatExchange(request))
    assert.deepEqual(JSON.parse(request.requestBody ?? 'null'), { email: carol.email })

    const mail = await outbox(carol.email, (e) => e.sent_at >= since && (e.link ?? '').includes('/password/reset/'))
    const link = new URL(mail.link!)
    assert.equal(link.origin, api!.url, `the link points at the API origin: ${mail.link}`)
    assert.equal(link.pathname, '/hserve/v2.0/user/password/reset/confirm')

    // The user opens the link, fills in the form and submits it.
    const opened = await page.goto(mail.link!)
    assert.equal(opened?.status(), 200, `opening the reset link: ${await page.content()}`)
    await page.fill('#password', carol.newPassword)
    await page.fill('#password_confirmation', carol.newPassword)
    const [submitted] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST' && response.url().startsWith(`${link.origin}${link.pathname}`)),
      page.click('button[type=submit]'),
    ])
    assert.equal(submitted.status(), 200, `submitting the reset form: ${await submitted.text()}`)
    await page.waitForLoadState()
    assert.match((await page.locator('h1').textContent()) ?? '', /密码已重置|Password changed/)
    // The link is single-use.
    const again = await page.goto(mail.link!)
    assert.equal(again?.status(), 400, 'the reset link a second time')

    // A reset signs the user out everywhere.
    const oldSession = await raw(`/hserve/v2.5/user/info/${carol.id}/`, carol.token)
    assert.equal(oldSession.status, 401, `carol's token from before the reset: ${JSON.stringify(oldSession.body)}`)

    await openApp()
    await expectRejected('auth.login with the old password', 400, ({ email, password }) => settle(BaaS.auth.login({ email, password })), carol)
    const { value, exchanges: login } = await expectOk(
      'auth.login with the new password',
      ({ email, newPassword }) => settle(BaaS.auth.login({ email, password: newPassword }).then((user: any) => user.toJSON())),
      carol,
    )
    assert.equal(find(login, 'POST', '/hserve/v2.1/login/email/').status, 201)
    assert.equal(value.id, carol.id)
    assert.equal(value._email_verified, true)
  })
})
