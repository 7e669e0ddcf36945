/**
 * Links in e-mails are never built from a client-chosen Host: a real mailer (anything but the
 * console one) needs `publicUrl` at creation, whatever NODE_ENV says, and with `publicUrl` a forged
 * Host header never reaches a mailed link. On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { ConsoleMailer } from '../../adapters/console/index.js'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter } from '../../src/create-user-router.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { linkIn, RecordingMailer } from '../helpers/recording-mailer.js'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, recordingLogger, releaseTestResources } from '../helpers/test-app.js'

const base = () => ({ storage: new MemoryUserStore(), redis: new MemoryKeyValueStore(), clients: ['c1'], logger: recordingLogger() })

describe('publicUrl with a mailer', () => {
  it('is required at creation with a mailer other than the console one, outside production too', () => {
    assert.notEqual(process.env.NODE_ENV, 'production')
    assert.throws(
      () => createUserRouter({ ...base(), mailer: new RecordingMailer() }),
      (error: unknown) => {
        assert.ok(error instanceof TypeError)
        assert.match(error.message, /options\.publicUrl is required/)
        return true
      },
    )
    assert.doesNotThrow(() => createUserRouter({ ...base(), mailer: new RecordingMailer(), publicUrl: 'https://accounts.example.com' }))
  })

  it('may be left out with the console mailer outside production', () => {
    assert.doesNotThrow(() => createUserRouter({ ...base(), mailer: new ConsoleMailer({ print: () => undefined }) }))
    assert.doesNotThrow(() => createUserRouter(base()))
  })
})

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`mailed links under a forged Host (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('start with publicUrl, never with the Host header, on verification and reset mails', async () => {
      const mailer = new RecordingMailer()
      const t = await createTestApp({ backend, label: 'public-url', options: { mailer, publicUrl: 'https://accounts.example.com/base/', email: { cooldownSeconds: 1 } } })
      const { id, token } = await t.signUp('email', 'host@example.com')
      const forged = { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' }
      assert.equal((await t.request.post('/hserve/v2.0/user/email-verify/').set(t.auth(token)).set(forged)).status, 201)
      const verifyLink = linkIn(mailer.last())
      // A verified address, so the reset below is the plain one; then the per-address cooldown.
      assert.ok(await t.store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }], updatedAt: 1 }))
      await new Promise((resolve) => setTimeout(resolve, 1100))
      assert.equal((await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).set(forged).send({ email: 'host@example.com' })).status, 201)
      const resetLink = linkIn(mailer.last())
      for (const link of [verifyLink, resetLink]) {
        assert.match(link, /^https:\/\/accounts\.example\.com\/base\/hserve\/v2\.0\/user\//)
        assert.ok(!link.includes('evil.example'), link)
      }
    })
  })
}
