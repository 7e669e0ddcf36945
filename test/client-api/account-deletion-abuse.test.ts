/**
 * Abuse of the account deletion routes by a caller holding a token: malformed bodies and links
 * answer a 4xx naming the field, an SMS code of another purpose never deletes and a deletion code
 * never signs in, and a storm of deletions of one account deletes it once. On the in-memory
 * backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { linkIn, pathAndToken } from '../helpers/recording-mailer.js'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createDeletionApp, DESTROY } from './deletion-app.js'

const skip = await backendSkips()
after(releaseTestResources)

/** The phone's cooldown (1 second in these apps) between two codes to one phone. */
const cooldown = () => new Promise((resolve) => setTimeout(resolve, 1100))

/** A 4xx with the error body, naming `field` when given. */
function assertRefused(res: { status: number; body: unknown }, field?: string): void {
  const body = res.body as { code?: unknown; details?: { field: string }[] }
  assert.ok(res.status >= 400 && res.status < 500, `a 4xx, got ${res.status} ${JSON.stringify(body)}`)
  assert.equal(typeof body.code, 'string', JSON.stringify(body))
  if (field !== undefined)
    assert.ok(
      body.details?.some((d) => d.field === field),
      `details name ${field}: ${JSON.stringify(body)}`,
    )
}

for (const backend of BACKENDS) {
  describe(`abuse of account deletion (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('answers malformed deletion bodies with a 4xx naming the field, deleting nothing', async () => {
      const t = await createDeletionApp(backend)
      const { id, token } = await t.signUp('username', 'mallory')
      const named: [Record<string, unknown>, string][] = [
        [{ password: 123 }, 'password'],
        [{ password: '' }, 'password'],
        [{ password: 'x'.repeat(5000) }, 'password'],
        [{ password: ['a'] }, 'password'],
        [{ password: null }, 'password'],
        [{ code: { $gt: '' } }, 'code'],
        [{ code: [] }, 'code'],
        [{ code: -1 }, 'code'],
        [{ code: 1.5 }, 'code'],
      ]
      for (const [body, field] of named) assertRefused(await t.destroy(token, body), field)
      for (const raw of ['[]', '"text"', '42', '{"password":', '{"__proto__":{"password":"x"}}']) {
        assertRefused(await t.request.post(DESTROY).set(t.auth(token)).set('Content-Type', 'application/json').send(raw))
      }
      assertRefused(
        await t.request
          .post(DESTROY)
          .set(t.auth(token))
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ password: 'y'.repeat(20_000) })),
      )
      assert.ok(await t.store.getUserById(id), 'nothing is deleted')
    })

    it('answers malformed deletion links with a 4xx, never a 5xx', async () => {
      const t = await createDeletionApp(backend)
      const confirm = `${DESTROY}email/confirm`
      const json = { Accept: 'application/json' }
      const answers = [
        await t.request.post(confirm).set(json).type('form').send('token=a&token=b'),
        await t.request.post(confirm).set(json).send({ token: 123 }),
        await t.request
          .post(confirm)
          .set(json)
          .send({ token: { a: 1 } }),
        await t.request
          .post(confirm)
          .set(json)
          .send({ token: 'z'.repeat(1000) }),
        await t.request.post(`${confirm}?token[a]=b`).set(json).send({}),
        await t.request.post(confirm).set(json).send([]),
        await t.request.get(`${confirm}?token=${'z'.repeat(1000)}`).set(json),
        await t.request.get(`${confirm}?token=a&token=b`).set(json),
      ]
      for (const res of answers) assertRefused(res)
    })

    it('never deletes with an SMS code of another purpose, and a deletion code never signs in', async () => {
      const t = await createDeletionApp(backend)
      const phone = '13800138011'
      const { id, token } = await t.smsSignUp(phone)
      await cooldown()
      assert.equal((await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone })).status, 200)
      const clientCode = t.outbox.lastCode(phone)
      assertRefused(await t.destroy(token, { code: clientCode }), 'code')
      assert.ok(await t.store.getUserById(id), 'a sign-in code deletes nothing')

      await cooldown()
      assert.equal((await t.request.post(`${DESTROY}code/`).set(t.auth(token))).status, 201)
      const deleteCode = t.outbox.lastCode(phone)
      assertRefused(await t.request.post('/hserve/v2.1/login/sms/').set(CLIENT).send({ phone, code: deleteCode }))
      assertRefused(await t.request.post('/api/v1/users/login').send({ phone, validation_code: deleteCode }))
      const res = await t.destroy(token, { code: deleteCode })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assertRefused(await t.destroy(token, { code: deleteCode }))
    })

    it('deletes an account once under 200 concurrent deletions: one event, no 5xx', async () => {
      const t = await createDeletionApp(backend)
      const { id, token } = await t.signUp('username', 'racer')
      const answers = await Promise.all(Array.from({ length: 200 }, () => t.destroy(token, { password: PASSWORD })))
      const statuses = answers.map((res) => res.status)
      assert.ok(
        statuses.every((s) => s < 500 || s === 503),
        JSON.stringify(answers.filter((res) => res.status >= 500 && res.status !== 503).map((res) => res.body)),
      )
      assert.ok(statuses.includes(201), JSON.stringify([...new Set(statuses)]))
      await t.assertGone(id)
      assert.equal(t.events.filter((e) => e.type === 'account_deleted').length, 1, 'one account_deleted event')
    })

    it('sends one deletion code under 200 concurrent asks', async () => {
      // A cooldown longer than the storm lasts; the phone is verified without a code, so none is cooling down.
      const t = await createDeletionApp(backend, { smsCodes: { cooldownSeconds: 600 } })
      const phone = '13800138031'
      const { id, token } = await t.signUp('phone', phone)
      assert.ok(await t.store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.phoneVerified, value: true }], updatedAt: 1 }))
      const before = t.outbox.sent.length
      const answers = await Promise.all(Array.from({ length: 200 }, () => t.request.post(`${DESTROY}code/`).set(t.auth(token))))
      assert.ok(
        answers.every((res) => res.status === 201 || res.status === 400),
        JSON.stringify([...new Set(answers.map((res) => res.status))]),
      )
      assert.equal(answers.filter((res) => res.status === 201).length, 1)
      assert.equal(t.outbox.sent.length - before, 1, 'one SMS')
    })

    it('deletes once under 200 concurrent posts of one deletion link; HEAD and GET delete nothing', async () => {
      const t = await createDeletionApp(backend)
      const anonymous = await t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT)
      const id = anonymous.body.id as number
      const operations = [
        { kind: 'set', field: INTERNAL_FIELDS.email, value: 'storm@example.com' },
        { kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true },
        { kind: 'set', field: INTERNAL_FIELDS.anonymous, value: false },
      ] as const
      assert.ok(await t.store.updateUser(id, { operations: [...operations], updatedAt: 1 }))
      assert.equal((await t.request.post(`${DESTROY}email/`).set(t.auth(anonymous.body.token as string))).status, 201)
      const { path } = pathAndToken(linkIn(t.mailer.last()))
      assert.equal((await t.request.head(path)).status, 200)
      assert.equal((await t.request.get(path).set({ Accept: 'application/json' })).status, 200)
      assert.ok(await t.store.getUserById(id), 'HEAD and GET delete nothing')

      const answers = await Promise.all(Array.from({ length: 200 }, () => t.request.post(path).set({ Accept: 'application/json' }).send({})))
      assert.equal(answers.filter((res) => res.status === 200).length, 1, JSON.stringify([...new Set(answers.map((res) => res.status))]))
      for (const res of answers.filter((res) => res.status !== 200)) assertRefused(res)
      assert.equal(await t.store.getUserById(id), null)
      assert.equal(t.events.filter((e) => e.type === 'account_deleted').length, 1)
    })
  })
}
