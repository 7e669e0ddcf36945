/**
 * Third-party sign-in end to end in Chromium: the example app's demo page offers sign-in with a real
 * OpenID Connect provider (the oidc-provider library, test/helpers/oidc-issuer.ts, on loopback),
 * configured through the app's OIDC_* environment. The page's buttons call the official MinApp web
 * SDK (`BaaS.auth.loginWithThirdParty`, `currentUser.linkThirdParty`, `BaaS.auth.getRedirectResult`),
 * whose auth page (examples/public/auth.html) runs `BaaS.auth.thirdPartyAuth()`: every request is the
 * SDK's own. The issuer's sign-in page signs in its chosen account at once, so nothing is typed there.
 *
 * Chromium is Debian's package (/usr/bin/chromium); absent, the suite is skipped, or fails when
 * CI=true. Run after a build: `node --test dist/test/browser/third-party-sign-in.test.js`.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Page, Request, Response } from 'playwright-core'
import { startOidcIssuer, type OidcIssuer } from '../helpers/oidc-issuer.js'
import { chromiumUnavailable } from './chromium.js'
import { freePort, type ExampleApp } from './example-app.js'
import type { NetworkLog } from './network-log.js'
import { pageChecks } from './page-checks.js'
import { sdkDriver, type Settled } from './sdk-driver.js'
import { startBrowserSession, type BrowserSession } from './session.js'
import type { StaticOrigin } from './static-origin.js'

// In the page.
declare const document: any
declare const BaaS: any
declare function settle(promise: unknown): Promise<Settled>

/** This file is dist/test/browser/third-party-sign-in.test.js: the repository is three levels up. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_SCRIPT = join(ROOT, 'dist/examples/server.js')
const SCREENSHOTS = join(ROOT, 'test/browser/screenshots')
const CLIENT_ID = 'demo'
const PROVIDER = 'oauth-oidc'

/** The page's English messages (examples/public/i18n.js) the checks wait for. */
const EN = { loggedIn: 'Signed in.', loggedOut: 'Signed out.', registered: 'Registered and signed in.', linked: 'Account linked.' }

/** An auth page on another origin, as an app not on the allow-list would have it. */
const foreignAuthPage = (apiUrl: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>auth page on another origin</title></head>
<body>
<script src="/minapp-sdk.js"></script>
<script>
  BaaS.init('demo', { host: ${JSON.stringify(apiUrl)} })
  BaaS.auth.thirdPartyAuth()
</script>
</body>
</html>
`

/** One response the browser received, in any of its pages, frames and popups, redirects included. */
interface Seen {
  method: string
  url: URL
  status: number
  /** Whether it was for a frame in a page (the SDK's popup-iframe), not a page's own document. */
  inFrame: boolean
}

/** Whether a request is a frame's inside a page; a popup's first request comes before its frame exists. */
function inSubframe(request: Request): boolean {
  try {
    return request.frame().parentFrame() !== null
  } catch {
    return false
  }
}

const unavailable = chromiumUnavailable()

describe('third-party sign-in on the demo page, with the MinApp web SDK and an OpenID Connect provider', { skip: unavailable ?? false, timeout: 180_000 }, () => {
  let session: BrowserSession | undefined
  let issuer: OidcIssuer | undefined
  let api: ExampleApp
  let origin: StaticOrigin
  let page: Page
  let log: NetworkLog
  const seen: Seen[] = []
  let shots = 0

  const run = randomBytes(3).toString('hex')
  const lee = { username: `lee_${run}`, password: 'lee-password-1', id: 0 }
  /** The user the provider's account `alice` signed up. */
  let aliceId = 0

  before(async () => {
    // The app's port comes first: the issuer must know the callback route as its client's redirect URI.
    const port = await freePort()
    issuer = await startOidcIssuer({ redirectUris: [`http://127.0.0.1:${port}/hserve/v2.0/idp/${PROVIDER}/callback/`] })
    const env = { PORT: String(port), DEV_OUTBOX: '', OIDC_ISSUER: issuer.issuer, OIDC_CLIENT_ID: issuer.clientId, OIDC_CLIENT_SECRET: issuer.clientSecret }
    session = await startBrowserSession(SERVER_SCRIPT, { dir: SCREENSHOTS, name: 'third-party-sign-in' }, env, { '/auth.html': foreignAuthPage(`http://127.0.0.1:${port}`) })
    ;({ api, origin, page, log } = session)
    session.browser.context.on('response', (response: Response) => {
      const request = response.request()
      seen.push({ method: request.method(), url: new URL(response.url()), status: response.status(), inFrame: inSubframe(request) })
    })
  })

  after(async () => {
    await session?.close()
    await issuer?.stop()
  })

  const { explain } = sdkDriver(() => ({ page, log, apiUrl: api.url }), CLIENT_ID)
  const { expectStatus, expectError, text } = pageChecks(() => ({ page, log }), explain)
  const field = (name: string) => text(`#profile dd[data-field="${name}"]`)
  const loginButton = `#idp-login button[data-provider="${PROVIDER}"]`
  const linkButton = `#idp-link button[data-provider="${PROVIDER}"]`

  async function screenshot(name: string): Promise<void> {
    shots += 1
    await page.screenshot({ path: join(SCREENSHOTS, `third-party-sign-in-${shots}-${name}.png`), fullPage: true })
  }

  /** The responses seen since `mark` (an index into `seen`), as lines for a failure message. */
  const describeSeen = (mark: number) =>
    seen
      .slice(mark)
      .map((r) => `  ${r.method} ${r.url.origin}${r.url.pathname} -> ${r.status}`)
      .join('\n')

  /** The one response since `mark` to `method` on `origin` + `path`; answers its status. */
  function statusOf(mark: number, method: string, origin: string, path: string): number {
    const found = seen.slice(mark).filter((r) => r.method === method && r.url.origin === origin && r.url.pathname === path)
    assert.equal(found.length, 1, `expected one ${method} ${origin}${path}, saw:\n${describeSeen(mark)}`)
    return found[0]!.status
  }

  /** The signed-in user, as the SDK on the demo page reads it. */
  const currentUser = (): Promise<any> => page.evaluate(() => BaaS.auth.getCurrentUser().then((user: any) => user.toJSON()))

  async function logOut(): Promise<void> {
    await expectStatus('log out', () => page.click('#logout'), EN.loggedOut)
  }

  /** Signs in with the provider from the demo page in `mode`; popups close by themselves when done. */
  async function signInWithProvider(mode: 'popup-window' | 'popup-iframe'): Promise<number> {
    await page.selectOption('#idp-mode', mode)
    const mark = seen.length
    await expectStatus(`sign in with ${PROVIDER} (${mode})`, () => page.click(loginButton), EN.loggedIn)
    assert.equal(statusOf(mark, 'POST', api.url, `/hserve/v2.0/idp/${PROVIDER}/redirect/`), 200)
    assert.equal(statusOf(mark, 'GET', api.url, `/hserve/v2.0/idp/${PROVIDER}/callback/`), 303)
    assert.equal(statusOf(mark, 'POST', api.url, `/hserve/v2.0/idp/${PROVIDER}/authenticate/`), 201)
    assert.ok(
      seen.slice(mark).some((r) => r.url.origin === issuer!.issuer),
      `the browser went to the issuer:\n${describeSeen(mark)}`,
    )
    return Number(await field('id'))
  }

  test('the demo page offers sign-in with the configured provider', async () => {
    assert.match(api.output(), new RegExp(`Sign-in with ${PROVIDER} on the demo page; the provider's redirect URI: ${api.url}/hserve/v2.0/idp/${PROVIDER}/callback/`))
    const config = await fetch(`${api.url}/identity-providers.json`)
    assert.deepEqual(await config.json(), { providers: [PROVIDER] })
    await page.goto(`${api.url}/`)
    await page.locator('#signed-out').waitFor()
    await page.selectOption('#lang', 'en')
    await page.locator('#idp-login-card').waitFor()
    assert.equal(await text(loginButton), `Sign in with ${PROVIDER}`)
    await screenshot('offered')
  })

  test('popup-window: the first sign-in creates the user from the provider’s account and signs it in', async () => {
    issuer!.signInAs('alice')
    const popup = page.context().waitForEvent('page')
    aliceId = await signInWithProvider('popup-window')
    assert.ok(aliceId > 0)
    const opened = await popup
    const last = new URL(opened.url())
    assert.equal(`${last.origin}${last.pathname}`, `${api.url}/auth.html`, 'the popup ends on the auth page')
    assert.ok(last.searchParams.has('token'), 'with the auth token the callback added')
    assert.ok(opened.isClosed(), 'the SDK closes the popup')
    assert.equal(await field('nickname'), 'Alice Liddell', 'the profile is filled from the provider (update_userprofile setnx)')
    assert.equal(await field('providers'), PROVIDER)
    assert.equal(await field('username'), '—', 'a new user has the identity and nothing else')
    const user = await currentUser()
    assert.equal(user.id, aliceId)
    assert.equal(user._provider[PROVIDER].sub, 'alice')
    await screenshot('signed-in-popup-window')
  })

  test('signing out and in again with the provider signs the same user in', async () => {
    await logOut()
    assert.equal(await signInWithProvider('popup-window'), aliceId)
  })

  test('popup-iframe: the sign-in runs in a frame on the page and signs the same user in', async () => {
    await logOut()
    const mark = seen.length
    let popups = 0
    const countPopup = () => {
      popups += 1
    }
    page.context().on('page', countPopup)
    try {
      assert.equal(await signInWithProvider('popup-iframe'), aliceId)
    } finally {
      page.context().off('page', countPopup)
    }
    assert.equal(popups, 0, 'no window opened')
    const atIssuer = seen.slice(mark).filter((r) => r.url.origin === issuer!.issuer)
    assert.ok(
      atIssuer.every((r) => r.inFrame),
      `the sign-in ran in the SDK's frame:\n${describeSeen(mark)}`,
    )
    await screenshot('signed-in-popup-iframe')
  })

  test('redirect: the tab goes to the provider and back; BaaS.auth.getRedirectResult gives the sign-in', async () => {
    await logOut()
    await page.selectOption('#idp-mode', 'redirect')
    const mark = seen.length
    const back = page.waitForURL((url) => url.origin === api.url && url.pathname === '/' && url.searchParams.has('auth-result'), { timeout: 15_000 })
    await page.click(loginButton)
    await back
    await page.waitForFunction((expected) => document.getElementById('status').textContent === expected || !document.getElementById('error').hidden, EN.loggedIn)
    assert.equal(await text('#status'), EN.loggedIn, `the page shows: ${await text('#error')}\n${describeSeen(mark)}`)
    assert.equal(statusOf(mark, 'POST', api.url, `/hserve/v2.0/idp/${PROVIDER}/authenticate/`), 201)
    assert.equal(new URL(page.url()).searchParams.has('auth-result'), false, 'getRedirectResult took the result out of the URL')
    assert.equal(Number(await field('id')), aliceId)
    assert.equal((await currentUser()).id, aliceId)
    await screenshot('signed-in-redirect')
  })

  test('a user registered with a password links the provider’s account, then signs in with it', async () => {
    await logOut()
    await page.fill('#register-form [name=username]', lee.username)
    await page.fill('#register-form [name=password]', lee.password)
    await expectStatus('register', () => page.click('#register-form button[type=submit]'), EN.registered)
    lee.id = Number(await field('id'))
    assert.notEqual(lee.id, aliceId)
    // Another account at the provider: forget the provider's session (its cookies), as signing out there would.
    issuer!.signInAs('bob')
    await page.context().clearCookies()
    const mark = seen.length
    await expectStatus(`link ${PROVIDER}`, () => page.click(linkButton), EN.linked)
    assert.equal(statusOf(mark, 'POST', api.url, `/hserve/v2.0/idp/${PROVIDER}/user-association/`), 200)
    assert.equal(await field('providers'), PROVIDER)
    const user = await currentUser()
    assert.equal(user.id, lee.id)
    assert.equal(user._provider[PROVIDER].sub, 'bob')
    await screenshot('linked')

    await logOut()
    assert.equal(await signInWithProvider('popup-window'), lee.id, 'bob’s account now signs in the user it is linked to')
    assert.equal(await field('username'), lee.username)
  })

  test('linking an account another user holds is refused: the page shows the server’s message', async () => {
    issuer!.signInAs('alice')
    await page.context().clearCookies()
    const error = await expectError(`link ${PROVIDER} held by another user`, () => page.click(linkButton), /already linked to another user/)
    assert.match(error, /^Error: 614: /, `the SDK's third-party failure: ${error}`)
    assert.equal((await currentUser())._provider[PROVIDER].sub, 'bob')
  })

  test('an auth page on an origin off the allow-list is refused: 400 naming callback_url, the provider never asked', async () => {
    await page.goto(`${origin.url}/`)
    const mark = seen.length
    const result: Settled = await page.evaluate(
      ({ apiUrl, authPage, provider }) => {
        BaaS.init('demo', { host: apiUrl })
        return settle(BaaS.auth.loginWithThirdParty(provider, authPage, { mode: 'popup-window' }))
      },
      { apiUrl: api.url, authPage: `${origin.url}/auth.html`, provider: PROVIDER },
    )
    assert.equal(result.ok, false, `the sign-in went through:\n${describeSeen(mark)}`)
    if (result.ok) return
    assert.equal(result.code, 614)
    assert.match(result.message, /callback_url/)
    assert.equal(statusOf(mark, 'POST', api.url, `/hserve/v2.0/idp/${PROVIDER}/redirect/`), 400)
    assert.ok(!seen.slice(mark).some((r) => r.url.origin === issuer!.issuer), `the browser went to the issuer:\n${describeSeen(mark)}`)
  })
})
