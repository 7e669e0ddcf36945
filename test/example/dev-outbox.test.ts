/**
 * The example app's development outbox: `createDevOutbox` on its own, the
 * compiled example with DEV_OUTBOX=1 (a verification link read from the outbox and followed), and
 * the refusal to start with NODE_ENV=production. Run after a build.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import express from 'express'
import supertest from 'supertest'
import { createDevOutbox } from '../../examples/dev-outbox.js'
import { startExampleApp, type ExampleApp } from '../browser/example-app.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_SCRIPT = join(ROOT, 'dist/examples/server.js')
const DEMO = { 'X-Hydrogen-Client-ID': 'demo' }

describe('createDevOutbox', () => {
  it('keeps the last mail and SMS per recipient, found by any spelling', async () => {
    const outbox = createDevOutbox()
    const app = express().use(outbox.router)
    const quiet = console.log
    console.log = () => {} // the console adapters print; not in the test output
    try {
      await outbox.mailer.send({ to: 'Ann@Example.com', subject: 'First', text: 'Open https://x.example/a?token=1 now', html: '' })
      await outbox.mailer.send({ to: 'ann@example.com', subject: 'Second', text: 'Open https://x.example/b?token=2 now', html: '' })
      await outbox.sms.send({ phone: '13800138000', code: '123456', purpose: 'login', ttlSeconds: 600 })
    } finally {
      console.log = quiet
    }
    const mail = await supertest(app).get('/dev/outbox').query({ to: 'ANN@example.com' })
    assert.equal(mail.status, 200)
    assert.equal(mail.body.subject, 'Second')
    assert.equal(mail.body.link, 'https://x.example/b?token=2')
    assert.equal(mail.body.to, 'ann@example.com')
    assert.equal(typeof mail.body.sent_at, 'number')
    const sms = await supertest(app).get('/dev/outbox').query({ to: '+86 138 0013 8000' })
    assert.equal(sms.status, 200)
    assert.equal(sms.body.code, '123456')
    assert.equal(sms.body.to, '13800138000')
    assert.match(sms.body.text, /123456/)
    assert.equal((await supertest(app).get('/dev/outbox').query({ to: 'nobody@example.com' })).status, 404)
    assert.equal((await supertest(app).get('/dev/outbox')).status, 400)
  })
})

describe('the example app with DEV_OUTBOX=1', { timeout: 60_000 }, () => {
  let api: ExampleApp
  before(async () => {
    api = await startExampleApp(SERVER_SCRIPT, { DEV_OUTBOX: '1' })
  })
  after(() => api?.stop())

  it('serves the verification link of a mail it sent', async () => {
    const request = supertest(api.url)
    const email = `outbox-${Date.now()}@example.com`
    const registered = await request.post('/hserve/v2.0/register/email/').set(DEMO).send({ email, password: 'correct horse' })
    assert.equal(registered.status, 201, JSON.stringify(registered.body))
    const auth = { ...DEMO, Authorization: `Hydrogen-r1 ${registered.body.token}` }
    assert.equal((await request.post('/hserve/v2.0/user/email-verify/').set(auth)).status, 201)
    const entry = await request.get('/dev/outbox').query({ to: email.toUpperCase() })
    assert.equal(entry.status, 200, JSON.stringify(entry.body))
    assert.ok(entry.body.link.startsWith(`${api.url}/hserve/v2.0/user/email-verify/confirm?token=`), entry.body.link)
    assert.ok(api.output().includes(entry.body.link), 'the console mailer printed the link too')
    const confirmed = await request.get(entry.body.link.slice(api.url.length)).set('Accept', 'application/json')
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body))
    const me = await request.get(`/hserve/v2.2/user/info/${registered.body.id}/`).set(auth)
    assert.equal(me.body._email_verified, true)
  })

  it('serves the code of an SMS it sent', async (t) => {
    const request = supertest(api.url)
    // A fresh number per run: the example keeps its counters in the local Redis between runs.
    const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0')
    const sent = await request
      .post('/hserve/v2.2/sms-verification-code/')
      .set(DEMO)
      .send({ phone: `+86 139 ${digits}` })
    if (sent.status === 404) return t.skip('the SMS routes are not served (yet)')
    // The hourly cap per IP is shared with every other run against the same Redis.
    if (sent.body.code === 'sms_rate_limited') return t.skip('this IP reached its hourly SMS cap on the shared Redis')
    assert.equal(sent.status, 200, JSON.stringify(sent.body))
    const entry = await request.get('/dev/outbox').query({ to: `139${digits}` })
    assert.equal(entry.status, 200, JSON.stringify(entry.body))
    assert.match(entry.body.code, /^\d{6}$/)
  })
})

describe('the example app with DEV_OUTBOX=1 and NODE_ENV=production', () => {
  it('refuses to start', async () => {
    const child = spawn(process.execPath, [SERVER_SCRIPT], { env: { ...process.env, DEV_OUTBOX: '1', NODE_ENV: 'production', PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const [code] = (await once(child, 'exit')) as [number | null]
    assert.equal(code, 1, output)
    assert.match(output, /DEV_OUTBOX=1 is refused when NODE_ENV=production/)
  })
})
