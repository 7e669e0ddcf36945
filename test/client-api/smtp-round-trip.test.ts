/**
 * A real SMTP round trip: the router sends through `SmtpMailer` (nodemailer) to an `smtp-server`
 * started here on 127.0.0.1; the test reads the raw mails, takes the links from their plain-text
 * parts and follows them over HTTP: the address becomes verified, the password changes and every
 * session ends. Also: a refused recipient and an unreachable server are 400 `mail_failed` without
 * the server's words.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { after, afterEach, before, describe, it } from 'node:test'
import { SMTPServer } from 'smtp-server'
import { SmtpMailer } from '../../adapters/smtp/index.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { parseMail, type ParsedMail } from '../helpers/mime.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { freePort } from '../browser/example-app.js'

const FROM = 'no-reply@example.com'
const NEW_PASSWORD = 'battery staple 2'
const JSON_ACCEPT = { Accept: 'application/json' }

interface Received {
  from: string
  to: string[]
  mail: ParsedMail
}

const inbox: Received[] = []
let waiter: (() => void) | null = null
const server = new SMTPServer({
  secure: false,
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onRcptTo(address, _session, callback) {
    if (address.address.startsWith('refused')) return callback(Object.assign(new Error('550 5.1.1 mailbox refused-internal-name unavailable'), { responseCode: 550 }))
    callback()
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => {
      inbox.push({
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        mail: parseMail(Buffer.concat(chunks).toString('utf8')),
      })
      waiter?.()
      callback()
    })
  },
})

/** The next mail the server receives (fails after 10 s). */
async function nextMail(count: number): Promise<Received> {
  const deadline = Date.now() + 10_000
  while (inbox.length < count) {
    assert.ok(Date.now() < deadline, `no mail arrived (have ${inbox.length})`)
    await new Promise<void>((resolve) => {
      waiter = resolve
      setTimeout(resolve, 200)
    })
  }
  return inbox[count - 1]!
}

function linkPath(received: Received): string {
  const text = received.mail.parts.get('text/plain')
  assert.ok(text, 'a plain-text part')
  assert.ok(received.mail.parts.get('text/html'), 'an HTML part')
  const link = /https?:\/\/\S+/.exec(text)?.[0]
  assert.ok(link, text)
  const url = new URL(link)
  return `${url.pathname}${url.search}`
}

let port = 0
before(async () => {
  server.listen(0, '127.0.0.1')
  await once(server.server, 'listening')
  port = (server.server.address() as AddressInfo).port
})
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await releaseTestResources()
})

const skip = await backendSkips()

for (const backend of BACKENDS) {
  describe(`SMTP round trip (${backend})`, { skip: skip[backend] }, () => {
    let mailer: SmtpMailer
    before(() => {
      mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM })
    })
    after(() => mailer.close())
    afterEach(closeTestApps)
    // A short cooldown: the reset mail goes to the address verified a moment before.
    const create = () => createTestApp({ backend, label: 'smtp', options: { mailer, email: { cooldownSeconds: 1 } } })

    it('verifies an address and resets a password through real mails', async () => {
      const t = await create()
      const start = inbox.length
      const { id, token } = await t.signUp('email', 'smtp-user@example.com')
      assert.equal((await t.request.post('/hserve/v2.0/user/email-verify/').set(t.auth(token))).status, 201)
      const verifyMail = await nextMail(start + 1)
      assert.equal(verifyMail.from, FROM)
      assert.deepEqual(verifyMail.to, ['smtp-user@example.com'])
      assert.equal(verifyMail.mail.subject, '验证你的邮箱地址')
      const confirmed = await t.request.get(linkPath(verifyMail)).set(JSON_ACCEPT)
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body))
      assert.equal((await t.store.getUserById(id))?.emailVerified, true)

      const other = await t.login('email', 'smtp-user@example.com')
      await new Promise((resolve) => setTimeout(resolve, 1100))
      assert.equal((await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: 'smtp-user@example.com' })).status, 201)
      const resetMail = await nextMail(start + 2)
      assert.equal(resetMail.mail.subject, '重置你的密码')
      const path = linkPath(resetMail)
      const form = await t.request.get(path).set('Accept', 'text/html')
      assert.equal(form.status, 200)
      assert.match(form.text, /<form method="post">/)
      const done = await t.request.post(path).set('Accept', 'text/html').type('form').send({ password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
      assert.equal(done.status, 200, done.text)
      for (const session of [token, other]) assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(session))).status, 401)
      assert.equal((await t.request.post('/hserve/v2.0/login/email/').set(CLIENT).send({ email: 'smtp-user@example.com', password: PASSWORD })).status, 400)
      await t.login('email', 'smtp-user@example.com', NEW_PASSWORD)
    })

    it('answers mail_failed when the server refuses the recipient, without its words', async () => {
      const t = await create()
      const { id } = await t.signUp('email', 'refused@example.com')
      await t.store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }], updatedAt: 1 })
      const res = await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: 'refused@example.com' })
      assertError(res, 400, 'mail_failed')
      assert.ok(!/550|refused-internal/.test(JSON.stringify(res.body)), JSON.stringify(res.body))
      assert.equal(t.logger.errors.length, 1, 'logged for the operator')
    })
  })
}

describe('SmtpMailer', () => {
  it('rejects with mail_failed when the server cannot be reached', async () => {
    const closed = new SmtpMailer({ url: `smtp://127.0.0.1:${await freePort()}`, from: FROM })
    await assert.rejects(closed.send({ to: 'a@example.com', subject: 's', text: 't', html: '<p>t</p>' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'mail_failed')
      assert.equal(error.message, 'The e-mail could not be sent.')
      return true
    })
  })

  it('names a missing or wrong option', () => {
    assert.throws(() => new SmtpMailer({ url: 'smtp://127.0.0.1:25' } as never), /options\.from is required/)
    assert.throws(() => new SmtpMailer({ from: FROM }), /options\.url or options\.transport is required/)
    assert.throws(() => new SmtpMailer({ url: 'http://127.0.0.1', from: FROM }), /must start with smtp:\/\/ or smtps:\/\//)
  })
})
