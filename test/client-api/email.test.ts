/**
 * E-mail verification, POST /hserve/v2.0/user/email-verify/ and its link target GET
 * .../email-verify/confirm: single-use and expiring links, the per-address
 * cooldown, mail failures, links killed by an address change, pages and JSON, and no secret in
 * events or logs; on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { UserRouterEvent } from '../../src/events.js'
import type { UserRouterOptions } from '../../src/options.js'
import express4 from 'express4'
import supertest from 'supertest'
import { ConsoleMailer } from '../../adapters/console/index.js'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import type { MailMessage } from '../../src/ports.js'
import { createUserRouter } from '../../src/create-user-router.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, PASSWORD, releaseTestResources, type Backend, type TestApp } from '../helpers/test-app.js'
import { linkIn, pathAndToken, RecordingMailer } from '../helpers/recording-mailer.js'

const VERIFY = '/hserve/v2.0/user/email-verify/'
const JSON_ACCEPT = { Accept: 'application/json' }

interface EmailApp extends TestApp {
  mailer: RecordingMailer
  events: UserRouterEvent[]
}

async function createEmailApp(backend: Backend, options: Partial<UserRouterOptions> = {}): Promise<EmailApp> {
  const mailer = new RecordingMailer()
  const events: UserRouterEvent[] = []
  const t = await createTestApp({ backend, label: 'email', options: { mailer, onEvent: (e) => void events.push(e), ...options } })
  return Object.assign(t, { mailer, events })
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`client API e-mail verification (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const requestLink = (t: TestApp, token: string) => t.request.post(VERIFY).set(t.auth(token))
    const verified = async (t: TestApp, token: string) => (await t.request.get('/hserve/v2.2/user/info/').set(t.auth(token))).body.objects?.[0]?._email_verified

    it('mails a single-use link that marks the address verified', async () => {
      const t = await createEmailApp(backend)
      const { id, token } = await t.signUp('email', 'Ann@Example.com')
      const res = await requestLink(t, token)
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.deepEqual(res.body, { status: 'ok' })
      assert.equal(t.mailer.sent.length, 1)
      const mail = t.mailer.last()
      assert.equal(mail.to, 'Ann@Example.com')
      const link = linkIn(mail)
      assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/hserve\/v2\.0\/user\/email-verify\/confirm\?token=[A-Za-z0-9_-]{43}$/)
      assert.ok(mail.html.includes(link), 'the HTML part carries the link too')
      assert.equal(await verified(t, token), false)

      const { path } = pathAndToken(link)
      const confirmed = await t.request.get(path).set(JSON_ACCEPT) // a browser sends no client id
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body))
      assert.deepEqual(confirmed.body, { status: 'ok' })
      assert.equal(await verified(t, token), true)
      assertError(await t.request.get(path).set(JSON_ACCEPT), 400, 'invalid_link')
      assertError(await requestLink(t, token), 400, 'email_already_verified')
      assert.deepEqual(
        t.events.filter((e) => e.type.startsWith('email_')).map((e) => [e.type, e.userId]),
        [
          ['email_verification_sent', id],
          ['email_verified', id],
        ],
      )
    })

    it('answers pages to a browser: verified, then invalid, with a strict CSP', async () => {
      const t = await createEmailApp(backend)
      const token = await t.register('email', 'page@example.com')
      await requestLink(t, token)
      const { path } = pathAndToken(linkIn(t.mailer.last()))
      const page = await t.request.get(path).set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8')
      assert.equal(page.status, 200)
      assert.match(page.headers['content-type'] ?? '', /^text\/html; charset=utf-8/)
      assert.equal(page.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
      assert.equal(page.headers['referrer-policy'], 'no-referrer')
      assert.match(page.text, /邮箱已验证/)
      const again = await t.request.get(path)
      assert.equal(again.status, 400)
      assert.match(again.text, /链接无效/)
      assert.equal((await t.request.get('/hserve/v2.0/user/email-verify/confirm/?token=made-up').set(JSON_ACCEPT)).body.code, 'invalid_link')
      assertError(await t.request.get('/hserve/v2.0/user/email-verify/confirm').set(JSON_ACCEPT), 400, 'invalid_link')
    })

    it('refuses accounts without an address (400 email_missing) and requests without a token (401)', async () => {
      const t = await createEmailApp(backend)
      const token = await t.register('username', 'no-mail')
      assertError(await requestLink(t, token), 400, 'email_missing')
      assertError(await t.request.post(VERIFY).set(CLIENT), 401, 'unauthenticated')
      assertError(await t.request.post(VERIFY), 401, 'invalid_client')
      assert.equal(t.mailer.sent.length, 0)
    })

    it('sends one mail per address per cooldown, and frees the slot when a send fails', async () => {
      const t = await createEmailApp(backend)
      const token = await t.register('email', 'cool@example.com')
      assert.equal((await requestLink(t, token)).status, 201)
      const limited = await requestLink(t, token)
      assertError(limited, 400, 'email_rate_limited')
      const retryAfter = Number(limited.headers['retry-after'])
      assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`)
      assert.equal(t.mailer.sent.length, 1)
      assert.ok(t.events.some((e) => e.type === 'rate_limited' && e.method === 'email'))

      const other = await t.register('email', 'fail@example.com')
      t.mailer.failing = true
      const failed = await requestLink(t, other)
      assertError(failed, 400, 'mail_failed')
      assert.ok(!JSON.stringify(failed.body).includes('554'), 'the server message stays in the logs')
      assert.ok(t.logger.errors.some((e) => JSON.stringify(String((e.error as Error).cause ?? '')).includes('554')))
      t.mailer.failing = false
      assert.equal((await requestLink(t, other)).status, 201, 'no cooldown after a failed send')
    })

    it('lets a link expire', async () => {
      const t = await createEmailApp(backend, { email: { verifyTtlSeconds: 1 } })
      const token = await t.register('email', 'late@example.com')
      await requestLink(t, token)
      const { path } = pathAndToken(linkIn(t.mailer.last()))
      t.clock.advance(1.2) // the router's clock: the link's key outlives it in the store
      assertError(await t.request.get(path).set(JSON_ACCEPT), 400, 'invalid_link')
      assert.equal(await verified(t, token), false)
    })

    it('invalidates an outstanding link when the address changes', async () => {
      const t = await createEmailApp(backend, { email: { cooldownSeconds: 1 } })
      const token = await t.register('email', 'old@example.com')
      await requestLink(t, token)
      const oldLink = pathAndToken(linkIn(t.mailer.last())).path
      const put = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ email: 'new@example.com', password: PASSWORD })
      assert.equal(put.status, 200, JSON.stringify(put.body))
      assertError(await t.request.get(oldLink).set(JSON_ACCEPT), 400, 'invalid_link')
      assert.equal(await verified(t, token), false)
      // Changing back does not revive it either: the link was used up by the refused attempt.
      assert.equal((await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ email: 'old@example.com', password: PASSWORD })).status, 200)
      assertError(await t.request.get(oldLink).set(JSON_ACCEPT), 400, 'invalid_link')
    })

    it('points links at publicUrl when configured', async () => {
      const t = await createEmailApp(backend, { publicUrl: 'https://accounts.example.com/base/' })
      const token = await t.register('email', 'public@example.com')
      await requestLink(t, token)
      assert.match(linkIn(t.mailer.last()), /^https:\/\/accounts\.example\.com\/base\/hserve\/v2\.0\/user\/email-verify\/confirm\?token=/)
    })

    it('puts no token or link in events or logs', async () => {
      const t = await createEmailApp(backend)
      const token = await t.register('email', 'quiet@example.com')
      await requestLink(t, token)
      const link = linkIn(t.mailer.last())
      await t.request.get(pathAndToken(link).path)
      await t.request.get(pathAndToken(link).path)
      t.mailer.failing = true
      await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: 'quiet@example.com' })
      const linkToken = pathAndToken(link).token
      const logged = JSON.stringify([t.events, t.logger.warnings, t.logger.errors.map((e) => [e.message, String(e.error), String((e.error as Error)?.cause)])])
      for (const secret of [linkToken, link, token]) assert.ok(!logged.includes(secret), `${secret} leaked: ${logged}`)
      assert.ok(t.events.some((e) => e.type === 'email_verified'))
    })
  })
}

describe('client API e-mail routes without a mailer', () => {
  afterEach(closeTestApps)
  it('are not served in production without one (the paths fall through to the app)', async () => {
    const previous = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    let t: TestApp
    try {
      t = await createTestApp({ backend: 'memory', label: 'email', options: { redis: new MemoryKeyValueStore() } })
    } finally {
      process.env.NODE_ENV = previous
    }
    const token = await t.register('email', 'prod@example.com')
    assert.equal((await t.request.post(VERIFY).set(t.auth(token))).status, 404)
    assert.equal((await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: 'prod@example.com' })).status, 404)
    assert.equal((await t.request.get('/hserve/v2.0/user/password/reset/confirm?token=x')).status, 404)
  })
})

describe('client API e-mail routes under a mount path, in an Express 4 app', () => {
  it('put the mount path in links and take the reset form there', async () => {
    // The console mailer (development) may build links from the request; a real mailer needs publicUrl.
    const sent: MailMessage[] = []
    const mailer = new ConsoleMailer({ print: () => undefined, onSend: (message) => void sent.push(message) })
    const storage = new MemoryUserStore()
    const app = express4()
    const router = createUserRouter({ storage, redis: new MemoryKeyValueStore(), clients: ['c1'], mailer, password: { scrypt: { logN: 4 } } })
    app.use('/accounts', router as unknown as express4.RequestHandler)
    const request = supertest(app)
    const registered = await request
      .post('/accounts/hserve/v2.0/register/email/')
      .set({ 'X-Hydrogen-Client-ID': 'c1' })
      .send({ email: 'mounted@example.com', password: 'correct horse 1' })
    assert.equal(registered.status, 201)
    assert.equal((await request.post('/accounts/hserve/v2.0/user/password/reset/').set({ 'X-Hydrogen-Client-ID': 'c1' }).send({ email: 'mounted@example.com' })).status, 201)
    const { path, token } = pathAndToken(linkIn(sent.at(-1)!))
    assert.match(linkIn(sent.at(-1)!), /^http:\/\/127\.0\.0\.1:\d+\/accounts\/hserve\/v2\.0\/user\/password\/reset\/confirm\?token=/)
    assert.equal((await request.get(path).set('Accept', 'text/html')).status, 200)
    const done = await request.post(path).type('form').set('Accept', 'text/html').send({ token, password: 'battery staple 2', password_confirmation: 'battery staple 2' })
    assert.equal(done.status, 200, done.text)
    assert.equal(
      (await request.post('/accounts/hserve/v2.0/login/email/').set({ 'X-Hydrogen-Client-ID': 'c1' }).send({ email: 'mounted@example.com', password: 'battery staple 2' })).status,
      201,
    )
    await router.close()
  })
})
