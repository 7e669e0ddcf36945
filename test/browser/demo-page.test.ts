/**
 * The example app's demo page (`/`) in headless Chromium, clicked through as a person would: the
 * page's forms drive the official MinApp web SDK against the app that serves it. The app runs with
 * its defaults (development, loopback), so the page shows SMS codes from the dev outbox.
 * Screenshots go to test/browser/screenshots/demo-page-*.png.
 *
 * Chromium is Debian's package (/usr/bin/chromium); absent, the suite is skipped, or fails when
 * CI=true. Run after a build: `node --test dist/test/browser/demo-page.test.js`.
 */
import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import type { OutboxEntry } from '../../examples/dev-outbox.js'
import { chromiumUnavailable } from './chromium.js'
import type { ExampleApp } from './example-app.js'
import type { NetworkLog } from './network-log.js'
import { pageChecks } from './page-checks.js'
import { sdkDriver } from './sdk-driver.js'
import { startBrowserSession, type BrowserSession } from './session.js'

// In the page.
declare const document: any
declare const navigator: { language: string }
declare const BaaS: any

/** This file is dist/test/browser/demo-page.test.js: the repository is three levels up. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_SCRIPT = join(ROOT, 'dist/examples/server.js')
const SCREENSHOTS = join(ROOT, 'test/browser/screenshots')
const CLIENT_ID = 'demo'

/** The page's English messages (examples/public/i18n.js) the checks wait for. */
const EN = {
  registered: 'Registered and signed in.',
  loggedIn: 'Signed in.',
  loggedOut: 'Signed out.',
  codeSent: 'Code sent.',
  profileSaved: 'Profile saved.',
  passwordChanged: 'Password changed.',
  sessionEnded: 'Session ended.',
  othersSignedOut: 'Signed out everywhere else.',
  signedOutEverywhere: 'Signed out everywhere.',
  dataExported: 'Your data was downloaded.',
  deleteAsked: 'Confirm below to delete the account.',
  accountDeleted: 'Your account was deleted.',
}

/** A random mainland mobile number: one SMS per phone per 60 s. */
function randomPhone(): string {
  return `1${randomInt(3, 10)}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`
}

const unavailable = chromiumUnavailable()

describe('the demo page of the example app, clicked through in Chromium', { skip: unavailable ?? false, timeout: 180_000 }, () => {
  let session: BrowserSession | undefined
  let api: ExampleApp | undefined
  let page: Page
  let log: NetworkLog
  let shots = 0

  const run = randomBytes(3).toString('hex')
  const erin = { username: `erin_${run}`, email: `erin_${run}@example.com`, password: 'erin-password-1', newPassword: 'erin-password-2', id: 0 }

  before(async () => {
    // DEV_OUTBOX unset: the defaults a person gets from `npm run example`.
    session = await startBrowserSession(SERVER_SCRIPT, { dir: SCREENSHOTS, name: 'demo-page' }, { DEV_OUTBOX: '' })
    ;({ api, page, log } = session)
  })

  after(async () => {
    await session?.close()
  })

  const { explain, find, raw, send } = sdkDriver(() => ({ page, log, apiUrl: api!.url }), CLIENT_ID)

  async function screenshot(name: string): Promise<void> {
    shots += 1
    await page.screenshot({ path: join(SCREENSHOTS, `demo-page-${shots}-${name}.png`), fullPage: true })
  }

  const { expectStatus, expectError, text } = pageChecks(() => ({ page, log }), explain)
  const field = (name: string) => text(`#profile dd[data-field="${name}"]`)
  const signedIn = () => page.locator('#signed-in').isVisible()

  async function logIn(account: string, password: string): Promise<void> {
    await page.fill('#login-form [name=account]', account)
    await page.fill('#login-form [name=password]', password)
    await page.click('#login-form button[type=submit]')
  }

  const logOut = () => page.click('#logout')

  /** Signs erin in from Node as another device (its own User-Agent); answers the token. */
  async function signInElsewhere(agent: string): Promise<string> {
    const login = await send('POST', '/hserve/v2.1/login/username/', { username: erin.username, password: erin.newPassword }, undefined, { 'User-Agent': agent })
    assert.equal(login.status, 201, JSON.stringify(login.body))
    return login.body.token
  }

  /** The device list: each item's session id, whether it is this device, its fields and whether it has an end button. */
  function devices() {
    return page.locator('#devices li').evaluateAll((items: any[]) =>
      items.map((item) => ({
        id: item.dataset.id as string,
        current: item.classList.contains('current'),
        client: item.querySelector('dd[data-field="deviceClient"]').textContent as string,
        ip: item.querySelector('dd[data-field="deviceIp"]').textContent as string,
        agent: item.querySelector('dd[data-field="deviceAgent"]').textContent as string,
        endButton: item.querySelector('button.end-session') !== null,
      })),
    )
  }

  /** Whether the client API still accepts `token`. */
  const accepted = async (token: string) => (await raw('/hserve/v2.0/user/sessions/', token)).status !== 401

  test('the app prints the demo URL and serves the page with the SDK from its own origin, in the browser’s language', async () => {
    assert.match(api!.output(), new RegExp(`Demo page .*: ${api!.url}/\\n`))
    const response = await page.goto(`${api!.url}/`)
    assert.equal(response?.status(), 200)
    await page.locator('#signed-out').waitFor()
    const info = await page.evaluate(() => ({ host: BaaS._polyfill.getAPIHost(), clientId: BaaS._config.CLIENT_ID, language: navigator.language }))
    assert.equal(info.host, api!.url, 'BaaS.init points the SDK at the page’s own origin')
    assert.equal(info.clientId, CLIENT_ID)
    const expected = /^zh\b/i.test(info.language) ? 'zh' : 'en'
    assert.equal(await page.locator('#lang').inputValue(), expected, `navigator.language is ${info.language}`)
    // The flows below read the English messages.
    if (expected !== 'en') await page.selectOption('#lang', 'en')
    assert.equal(await text('h1'), 'express-user-router demo')
    await screenshot('signed-out')
  })

  test('registering with a user name, password and e-mail signs the new user in and shows the profile', async () => {
    await page.fill('#register-form [name=username]', erin.username)
    await page.fill('#register-form [name=email]', erin.email)
    await page.fill('#register-form [name=password]', erin.password)
    const exchanges = await expectStatus('register', () => page.click('#register-form button[type=submit]'), EN.registered)
    assert.equal(find(exchanges, 'POST', '/hserve/v2.1/register/username/').status, 201)
    assert.equal(find(exchanges, 'PUT', '/hserve/v2.2/user/account/').status, 200, 'the e-mail is added to the new account')
    assert.ok(await signedIn())
    assert.equal(await field('username'), erin.username)
    assert.equal(await field('email'), `${erin.email} (not verified)`)
    erin.id = Number(await field('id'))
    assert.ok(erin.id > 0)
    await screenshot('registered')
  })

  test('log out, then log in by password; a wrong password shows the server’s error', async () => {
    await expectStatus('log out', logOut, EN.loggedOut)
    assert.equal(await signedIn(), false)
    assert.equal(await page.evaluate(() => BaaS.getAuthToken()), '', 'the SDK forgot the token')

    const error = await expectError('log in with a wrong password', () => logIn(erin.username, 'not-the-password'), /^Error: 400: \S/)
    assert.equal(await signedIn(), false, error)
    await screenshot('login-error')

    const exchanges = await expectStatus('log in by user name', () => logIn(erin.username, erin.password), EN.loggedIn)
    assert.equal(find(exchanges, 'POST', '/hserve/v2.1/login/username/').status, 201)
    assert.equal(await page.locator('#error').isVisible(), false, 'a success clears the error')
    assert.equal(await field('id'), String(erin.id))
    await expectStatus('log out', logOut, EN.loggedOut)
    await expectStatus('log in by e-mail', () => logIn(erin.email, erin.password), EN.loggedIn)
    assert.equal(await field('id'), String(erin.id))
  })

  test('profile edits (nickname, gender, score, tags) are saved and still there after a reload', async () => {
    await page.fill('#profile-form [name=nickname]', `Erin ${run}`)
    await page.selectOption('#profile-form [name=gender]', '2')
    await page.fill('#profile-form [name=score]', '42')
    await page.fill('#profile-form [name=tags]', 'red, blue')
    const exchanges = await expectStatus('save the profile', () => page.click('#profile-form button[type=submit]'), EN.profileSaved)
    const put = find(exchanges, 'PUT', '/hserve/v2.5/user/info/')
    assert.equal(put.status, 200)
    assert.deepEqual(JSON.parse(put.requestBody!), { nickname: `Erin ${run}`, gender: 2, tags: ['red', 'blue'], score: 42 })

    await page.reload()
    await page.locator('#signed-in').waitFor()
    assert.equal(await field('nickname'), `Erin ${run}`)
    assert.equal(await field('gender'), 'Female')
    assert.equal(await field('score'), '42')
    assert.equal(await field('tags'), 'red, blue')
    assert.equal(await page.inputValue('#profile-form [name=nickname]'), `Erin ${run}`)
    assert.equal(await page.inputValue('#profile-form [name=gender]'), '2')
    assert.equal(await page.inputValue('#profile-form [name=score]'), '42')
    assert.equal(await page.inputValue('#profile-form [name=tags]'), 'red, blue')
    const token = await page.evaluate(() => BaaS.getAuthToken())
    const stored = await raw(`/hserve/v2.5/user/info/${erin.id}/`, token)
    assert.equal(stored.status, 200, JSON.stringify(stored.body))
    assert.deepEqual([stored.body.nickname, stored.body.gender, stored.body.score, stored.body.tags], [`Erin ${run}`, 2, 42, ['red', 'blue']])
    await screenshot('profile')
  })

  test('changing the password: a wrong current password is refused; then only the new password logs in', async () => {
    const change = (current: string) => async () => {
      await page.fill('#password-form [name=password]', current)
      await page.fill('#password-form [name=newPassword]', erin.newPassword)
      await page.click('#password-form button[type=submit]')
    }
    await expectError('change the password with a wrong current one', change('wrong-password-9'), /^Error: 400: \S/)
    const exchanges = await expectStatus('change the password', change(erin.password), EN.passwordChanged)
    assert.equal(find(exchanges, 'PUT', '/hserve/v2.2/user/account/').status, 200)
    assert.equal(await page.inputValue('#password-form [name=newPassword]'), '', 'the form is emptied')
    assert.ok(await signedIn(), 'this session stays signed in')

    await expectStatus('log out', logOut, EN.loggedOut)
    await expectError('log in with the old password', () => logIn(erin.username, erin.password), /^Error: 400: /)
    await expectStatus('log in with the new password', () => logIn(erin.username, erin.newPassword), EN.loggedIn)
    assert.equal(await field('id'), String(erin.id))
    await expectStatus('log out', logOut, EN.loggedOut)
  })

  test('log in by SMS code: the page shows the code sent (development), and the code signs a new user in', async () => {
    const phone = randomPhone()
    await page.fill('#sms-form [name=phone]', phone)
    const sent = await expectStatus('send the code', () => page.click('#send-code'), EN.codeSent)
    assert.equal(find(sent, 'POST', '/hserve/v2.2/sms-verification-code/').status, 200)
    await page.locator('#dev-code').waitFor()
    const code = await text('#dev-code-value')
    assert.match(code, /^\d{6}$/)
    const outbox = (await (await fetch(`${api!.url}/dev/outbox?to=${phone}`)).json()) as OutboxEntry
    assert.equal(code, outbox.code, 'the page shows the code the console SMS sender "sent"')
    await screenshot('sms-code')

    await page.fill('#sms-form [name=code]', code)
    const exchanges = await expectStatus('log in with the code', () => page.click('#sms-form button[type=submit]'), EN.loggedIn)
    assert.equal(find(exchanges, 'POST', '/hserve/v2.1/login/sms/').status, 201)
    assert.equal(await field('phone'), `${phone} (verified)`)
    assert.notEqual(await field('id'), String(erin.id))
    assert.equal(await page.locator('#dev-code').isVisible(), false, 'the code is hidden once used')

    // An account made by SMS has no password: the new password alone sets it.
    await page.fill('#password-form [name=newPassword]', 'sms-user-password-1')
    await expectStatus('set a first password', () => page.click('#password-form button[type=submit]'), EN.passwordChanged)
  })

  test('the language switch changes every label, messages and the profile, and is remembered', async () => {
    const english = await page.locator('[data-i18n]').allTextContents()
    await page.selectOption('#lang', 'zh')
    const chinese = await page.locator('[data-i18n]').allTextContents()
    assert.equal(chinese.length, english.length)
    const same = english.filter((label, i) => label === chinese[i])
    assert.deepEqual(same, [], 'every label has its own Chinese text')
    assert.equal(await text('h1'), 'express-user-router 演示')
    assert.equal(await text('#logout'), '退出登录')
    assert.equal(await text('#status'), '密码已修改。', 'the last message follows the language')
    assert.equal(await page.locator('#profile dt').first().textContent(), '用户 ID')
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN')
    await screenshot('chinese')

    await page.reload()
    await page.locator('#signed-in').waitFor()
    assert.equal(await page.locator('#lang').inputValue(), 'zh', 'the choice survives a reload')
    assert.equal(await text('h1'), 'express-user-router 演示')
    await expectStatus('退出登录', logOut, '已退出登录。')
    await expectError('a wrong password, in Chinese', () => logIn(erin.username, 'not-the-password'), /^错误: 400: /)

    await page.selectOption('#lang', 'en')
    assert.deepEqual(await page.locator('[data-i18n]').allTextContents(), english)
    assert.equal(await page.getAttribute('html', 'lang'), 'en')
  })

  test('a stored token the server no longer accepts brings back the sign-in forms, and is forgotten', async () => {
    await expectStatus('log in', () => logIn(erin.username, erin.newPassword), EN.loggedIn)
    await page.evaluate(() => BaaS.storage.set('auth_token', 'a-token-the-server-never-issued'))
    await page.reload()
    await page.locator('#signed-out').waitFor()
    // The page forgets the token right after it shows the forms.
    const deadline = Date.now() + 3000
    let token = await page.evaluate(() => BaaS.getAuthToken())
    while (token !== '' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      token = await page.evaluate(() => BaaS.getAuthToken())
    }
    assert.equal(token, '', 'the refused token is forgotten')
    assert.equal(await page.locator('#error').isVisible(), false, 'not an error for the person: just signed out')
  })

  test('the device list shows this sign-in and one from elsewhere; ending the other one signs it out', async () => {
    const agent = `other-device/${run}`
    const other = await signInElsewhere(agent)
    const exchanges = await expectStatus('log in', () => logIn(erin.username, erin.newPassword), EN.loggedIn)
    assert.equal(find(exchanges, 'GET', '/hserve/v2.0/user/sessions/').status, 200)
    const listed = await devices()
    const current = listed.filter((device) => device.current)
    assert.equal(current.length, 1, JSON.stringify(listed))
    assert.equal(current[0]!.endButton, false, 'this device is ended by signing out')
    assert.match(current[0]!.agent, /Chrome/)
    assert.equal(current[0]!.client, CLIENT_ID)
    const elsewhere = listed.find((device) => device.agent === agent)
    assert.ok(elsewhere, JSON.stringify(listed))
    assert.equal(elsewhere.current, false)
    assert.ok(elsewhere.endButton)
    assert.match(elsewhere.ip, /127\.0\.0\.1/)
    assert.equal(await page.locator('#devices li.current strong').textContent(), 'This device')
    await screenshot('devices')

    const ended = await expectStatus('end the other device', () => page.click(`#devices li[data-id="${elsewhere.id}"] button.end-session`), EN.sessionEnded)
    assert.equal(find(ended, 'DELETE', `/hserve/v2.0/user/sessions/${encodeURIComponent(elsewhere.id)}/`).status, 204)
    assert.equal(await accepted(other), false, 'the other device is signed out')
    assert.ok(!(await devices()).some((device) => device.id === elsewhere.id), 'the list is read again')
    assert.ok(await signedIn())
  })

  test('sign out everywhere else ends every other session and keeps this one', async () => {
    const others = [await signInElsewhere(`second/${run}`), await signInElsewhere(`third/${run}`)]
    await page.reload()
    await page.locator('#signed-in').waitFor()
    await page.locator('#devices li').nth(2).waitFor()
    const exchanges = await expectStatus('sign out everywhere else', () => page.click('#sign-out-others'), EN.othersSignedOut)
    assert.equal(find(exchanges, 'POST', '/hserve/v2.0/user/sessions/destroy-others/').status, 201)
    for (const token of others) assert.equal(await accepted(token), false)
    const listed = await devices()
    assert.deepEqual(
      listed.map((device) => device.current),
      [true],
      'only this device is left',
    )
    assert.ok(await accepted(await page.evaluate(() => BaaS.getAuthToken())), 'this device stays signed in')
  })

  test('sign out everywhere ends the other sessions, then this one', async () => {
    const other = await signInElsewhere(`fourth/${run}`)
    const mine: string = await page.evaluate(() => BaaS.getAuthToken())
    const exchanges = await expectStatus('sign out everywhere', () => page.click('#sign-out-everywhere'), EN.signedOutEverywhere)
    assert.equal(find(exchanges, 'POST', '/hserve/v2.0/user/sessions/destroy-others/').status, 201)
    assert.equal(await signedIn(), false)
    assert.equal(await page.evaluate(() => BaaS.getAuthToken()), '', 'the SDK forgot the token')
    assert.equal(await page.locator('#devices li').count(), 0, 'no device stays on the page')
    assert.equal(await accepted(other), false)
    assert.equal(await accepted(mine), false)
  })

  test('download my data saves the export as a JSON file', async () => {
    await expectStatus('log in', () => logIn(erin.username, erin.newPassword), EN.loggedIn)
    const downloading = page.waitForEvent('download')
    const exchanges = await expectStatus('download my data', () => page.click('#export'), EN.dataExported)
    const download = await downloading
    const request = find(exchanges, 'GET', '/hserve/v2.0/user/export/')
    assert.equal(request.status, 200)
    assert.match(request.responseHeaders['content-disposition'] ?? '', /^attachment/)
    assert.match(download.suggestedFilename(), /\.json$/)
    const saved = JSON.parse(await readFile((await download.path())!, 'utf8'))
    assert.equal(saved.user.id, erin.id)
    assert.equal(saved.user._username, erin.username)
    assert.ok(Array.isArray(saved.identities))
    assert.ok(saved.sessions.some((session: { current: boolean }) => session.current))
    assert.equal(typeof saved.exported_at, 'number')
  })

  test('deleting the account asks for the password; a wrong one is refused; then the account is gone and its sign-in refused', async () => {
    const token: string = await page.evaluate(() => BaaS.getAuthToken())
    await expectStatus('ask to delete', () => page.click('#delete-start'), EN.deleteAsked)
    assert.ok(await page.locator('#delete-password').isVisible(), 'erin has a password')
    assert.equal(await page.locator('#delete-code').isVisible(), false, 'erin has no phone')
    assert.equal(await page.locator('#delete-recent').isVisible(), false)
    await screenshot('delete-confirm')

    await page.click('#delete-cancel')
    assert.equal(await page.locator('#delete-form').isVisible(), false)
    await page.click('#delete-start')
    await page.fill('#delete-form [name=password]', 'not-the-password')
    await expectError('delete with a wrong password', () => page.click('#delete-form button[type=submit]'), /^Error: 4\d\d: \S/)
    assert.ok(await signedIn())
    assert.ok(await accepted(token), 'the account is still there')

    await page.fill('#delete-form [name=password]', erin.newPassword)
    const exchanges = await expectStatus('delete the account', () => page.click('#delete-form button[type=submit]'), EN.accountDeleted)
    const destroy = find(exchanges, 'POST', '/hserve/v2.0/user/account/destroy/')
    assert.equal(destroy.status, 201)
    assert.deepEqual(JSON.parse(destroy.requestBody!), { password: erin.newPassword })
    assert.equal(await signedIn(), false)
    assert.equal(await page.evaluate(() => BaaS.getAuthToken()), '', 'the SDK forgot the token')
    assert.equal(await accepted(token), false)
    await expectError('log in to the deleted account', () => logIn(erin.username, erin.newPassword), /^Error: 400: \S/)
    await screenshot('deleted')
  })

  test('the page ran without script errors', () => {
    const errors = log.console.filter((line) => line.startsWith('pageerror:'))
    assert.deepEqual(errors, [])
  })
})
