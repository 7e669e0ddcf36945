/**
 * Pre-hijacked accounts: someone registers another person's phone or e-mail (unproven) with a
 * password of their own. When the owner proves the address by signing in with it (an SMS code on
 * either API, the phone API's reset by code, an e-mail reset link), the account becomes theirs:
 * every earlier session and token family ends, a password set before the proof stops working, and
 * `account_claimed` is emitted. On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import type { UserRouterEvent } from '../../src/events.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { linkIn, pathAndToken, RecordingMailer } from '../helpers/recording-mailer.js'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, releaseTestResources, type Backend, type TestApp } from '../helpers/test-app.js'
import { createPhoneTestApp, type PhoneTestApp } from '../phone-api/phone-app.js'

const PHONE = '13800138000'
const EMAIL = 'owner@example.com'
const ATTACKER_PASSWORD = 'squatter password 9'
const NEW_PASSWORD = 'owner password 22'
const JSON_ACCEPT = { Accept: 'application/json' }

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`claiming a pre-registered account (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = async () => {
      const mailer = new RecordingMailer()
      const t = await createPhoneTestApp(backend, 'pre-hijack', { mailer, smsCodes: { cooldownSeconds: 1 } })
      return Object.assign(t, { mailer })
    }
    const alive = async (t: TestApp, token: string) => (await t.request.get('/hserve/v2.2/user/info/').set(t.auth(token))).status
    const loginStatus = async (t: TestApp, kind: 'phone' | 'email', identifier: string, password: string) =>
      (
        await t.request
          .post(`/hserve/v2.1/login/${kind}/`)
          .set(CLIENT)
          .send({ [kind]: identifier, password })
      ).status
    const claims = (events: UserRouterEvent[]) => events.filter((e) => e.type === 'account_claimed')

    /** The attacker's foothold: the phone registered with their password, a client token and an OAuth token family. */
    const squatPhone = async (t: PhoneTestApp) => {
      const { id, token } = await t.signUp('phone', PHONE, ATTACKER_PASSWORD)
      const oauth = await t.passwordGrant(PHONE, ATTACKER_PASSWORD)
      return { id, token, access: oauth.access_token as string, refresh: oauth.refresh_token as string }
    }
    const assertLockedOut = async (t: PhoneTestApp, squat: Awaited<ReturnType<typeof squatPhone>>) => {
      assert.equal(await alive(t, squat.token), 401, 'the client API token is revoked')
      assert.equal(await alive(t, squat.access), 401, 'the OAuth access token is revoked')
      assert.equal((await t.token({ grant_type: 'refresh_token', refresh_token: squat.refresh })).body.error, 'invalid_grant', 'the token family is revoked')
      assert.equal(await loginStatus(t, 'phone', PHONE, ATTACKER_PASSWORD), 400, 'the password set before the proof no longer works')
      assert.equal((await t.token({ grant_type: 'password', username: PHONE, password: ATTACKER_PASSWORD })).body.error, 'invalid_grant')
    }

    it('a client API SMS login claims an account whose phone was unproven', async () => {
      const t = await create()
      const squat = await squatPhone(t)
      assert.equal((await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone: PHONE })).status, 200)
      const owner = await t.request
        .post('/hserve/v2.1/login/sms/')
        .set(CLIENT)
        .send({ phone: PHONE, code: t.outbox.lastCode(PHONE) })
      assert.equal(owner.status, 201, JSON.stringify(owner.body))
      assert.equal(owner.body.id, squat.id)
      assert.equal(owner.body._phone_verified, true)
      await assertLockedOut(t, squat)
      assert.equal(await alive(t, owner.body.token as string), 200, "the owner's new session works")
      assert.deepEqual(
        claims(t.events).map((e) => [e.userId, e.method]),
        [[squat.id, 'sms']],
      )
      const logged = JSON.stringify(t.events)
      for (const secret of [squat.token, owner.body.token as string, ATTACKER_PASSWORD]) assert.ok(!logged.includes(secret))

      // Once the phone is proven, a later SMS login is an ordinary one: nothing else ends.
      await new Promise((resolve) => setTimeout(resolve, 1100))
      assert.equal((await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone: PHONE })).status, 200)
      const again = await t.request
        .post('/hserve/v2.1/login/sms/')
        .set(CLIENT)
        .send({ phone: PHONE, code: t.outbox.lastCode(PHONE) })
      assert.equal(again.status, 201)
      assert.equal(await alive(t, owner.body.token as string), 200)
      assert.equal(claims(t.events).length, 1)
    })

    it('a phone API login by code claims an account whose phone was unproven', async () => {
      const t = await create()
      const squat = await squatPhone(t)
      const loginCode = await t.loginCodeFor(PHONE)
      await assertLockedOut(t, squat)
      const owner = await t.passwordGrant(PHONE, loginCode)
      assert.equal(await alive(t, owner.access_token as string), 200)
      assert.deepEqual(
        claims(t.events).map((e) => e.userId),
        [squat.id],
      )
    })

    it('a phone API reset by code claims an account whose phone was unproven', async () => {
      const t = await create()
      const squat = await squatPhone(t)
      const code = await t.codeFor(PHONE, 3)
      const reset = await t.request.put('/api/v1/users/reset').send({ phone: PHONE, validation_code: code, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
      assert.deepEqual(reset.body, { result: 1 })
      await assertLockedOut(t, squat)
      assert.equal(await loginStatus(t, 'phone', PHONE, NEW_PASSWORD), 201)
      assert.deepEqual(
        claims(t.events).map((e) => e.userId),
        [squat.id],
      )
    })

    it('a reset link to an unverified address claims the account and verifies the address', async () => {
      const t = await create()
      const { id, token } = await t.signUp('email', EMAIL, ATTACKER_PASSWORD)
      const requested = await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: EMAIL })
      assert.equal(requested.status, 201, JSON.stringify(requested.body))
      assert.equal(t.mailer.last().to, EMAIL)
      const { path, token: linkToken } = pathAndToken(linkIn(t.mailer.last()))
      assert.equal((await t.request.get(path).set(JSON_ACCEPT)).status, 200, 'the form shows')
      const done = await t.request.post(path).set(JSON_ACCEPT).send({ token: linkToken, password: NEW_PASSWORD })
      assert.equal(done.status, 200, JSON.stringify(done.body))
      assert.equal(await alive(t, token), 401)
      assert.equal(await loginStatus(t, 'email', EMAIL, ATTACKER_PASSWORD), 400)
      assert.equal(await loginStatus(t, 'email', EMAIL, NEW_PASSWORD), 201)
      assert.equal((await t.store.getUserById(id))!.emailVerified, true)
      assert.deepEqual(
        claims(t.events).map((e) => [e.userId, e.method]),
        [[id, 'email']],
      )
      const logged = JSON.stringify(t.events)
      for (const secret of [linkToken, NEW_PASSWORD, token]) assert.ok(!logged.includes(secret))
    })

    it("a claim by SMS drops the squatter's own unproven e-mail, so it cannot lead back in", async () => {
      const t = await create()
      const squat = await squatPhone(t)
      const own = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(squat.token)).send({ email: 'squatter@example.net', password: ATTACKER_PASSWORD })
      assert.equal(own.status, 200, JSON.stringify(own.body))
      assert.equal((await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone: PHONE })).status, 200)
      const owner = await t.request
        .post('/hserve/v2.1/login/sms/')
        .set(CLIENT)
        .send({ phone: PHONE, code: t.outbox.lastCode(PHONE) })
      assert.equal(owner.status, 201, JSON.stringify(owner.body))
      assert.equal((await t.store.getUserById(squat.id))!.email, null, 'the unproven e-mail is gone')
      const mailsBefore = t.mailer.sent.length
      const reset = await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: 'squatter@example.net' })
      assert.equal(reset.status, 404, JSON.stringify(reset.body))
      assert.equal(t.mailer.sent.length, mailsBefore, 'no reset link reaches the squatter')
    })

    it("a claim by a reset link drops the squatter's own unproven phone", async () => {
      const t = await create()
      const { id, token } = await t.signUp('email', EMAIL, ATTACKER_PASSWORD)
      const own = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ phone: PHONE, password: ATTACKER_PASSWORD })
      assert.equal(own.status, 200, JSON.stringify(own.body))
      assert.equal((await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: EMAIL })).status, 201)
      const { path, token: linkToken } = pathAndToken(linkIn(t.mailer.last()))
      assert.equal((await t.request.post(path).set(JSON_ACCEPT).send({ token: linkToken, password: NEW_PASSWORD })).status, 200)
      const claimed = (await t.store.getUserById(id))!
      assert.equal(claimed.phone, null, 'the unproven phone is gone')
      assert.equal(claimed.emailVerified, true)
    })

    it('a claim keeps a contact the account had already proven', async () => {
      const t = await create()
      const { id, token } = await t.signUp('email', EMAIL, ATTACKER_PASSWORD)
      assert.equal((await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ phone: PHONE, password: ATTACKER_PASSWORD })).status, 200)
      await t.store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.phoneVerified, value: true }], updatedAt: 1 })
      assert.equal((await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: EMAIL })).status, 201)
      const { path, token: linkToken } = pathAndToken(linkIn(t.mailer.last()))
      assert.equal((await t.request.post(path).set(JSON_ACCEPT).send({ token: linkToken, password: NEW_PASSWORD })).status, 200)
      assert.equal((await t.store.getUserById(id))!.phone, PHONE)
    })

    it('a proof of an address that was already verified claims nothing', async () => {
      const t = await create()
      const { token } = await t.registerPhone(PHONE).then(async (code) => ({ token: (await t.passwordGrant(PHONE, code)).access_token as string }))
      await t.loginCodeFor(PHONE)
      assert.equal(await alive(t, token), 200)
      assert.equal(claims(t.events).length, 0)
    })
  })
}

/** A memory store that records the operations of every update. */
class RecordingStore extends MemoryUserStore {
  readonly updates: string[][] = []
  override async updateUser(...args: Parameters<MemoryUserStore['updateUser']>): ReturnType<MemoryUserStore['updateUser']> {
    this.updates.push(args[1].operations.map((operation) => operation.field.name))
    return super.updateUser(...args)
  }
}

describe('claiming an account is one store update', () => {
  afterEach(closeTestApps)
  it('marks the phone verified and clears the password in the same update', async () => {
    const storage = new RecordingStore()
    const backend: Backend = 'memory'
    const t = await createPhoneTestApp(backend, 'pre-hijack-update', { storage })
    await t.signUp('phone', PHONE, ATTACKER_PASSWORD)
    storage.updates.length = 0
    await t.loginCodeFor(PHONE)
    const claim = [INTERNAL_FIELDS.phoneVerified.name, INTERNAL_FIELDS.passwordHash.name]
    const touching = storage.updates.filter((fields) => claim.some((field) => fields.includes(field)))
    assert.equal(touching.length, 1, JSON.stringify(storage.updates))
    for (const field of claim) assert.ok(touching[0]!.includes(field), JSON.stringify(storage.updates))
    const user = (await storage.getUserByIdentifier('phone', PHONE))!
    assert.deepEqual([user.phoneVerified, user.passwordHash], [true, null])
  })
})
