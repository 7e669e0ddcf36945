/**
 * What a deletion leaves behind: after a user used every flow (the phone API's codes, login codes,
 * tokens and refreshes, failed sign-ins, a reset link, SMS codes of the client API), every token,
 * refresh token, pending SMS code, e-mail link and oauth_login_code of the user is refused; and on
 * Redis no key made for the user remains (a SCAN of the store's prefix before the user existed and
 * after the deletion): only counters of the IP stay, and those of a phone the account never
 * verified. On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { linkIn, pathAndToken } from '../helpers/recording-mailer.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { assertOAuthError } from '../phone-api/phone-app.js'
import { createDeletionApp, DESTROY, type DeletionTestApp } from './deletion-app.js'

const skip = await backendSkips()
after(releaseTestResources)

const PHONE = '13900139001'
const EMAIL = 'busy@example.com'
/** Keys counting an IP alone (over every account), which a deletion leaves. */
const IP_ONLY =
  /(?:^|:)(?:sms-ip:[^:]+|sms-hour|login-failures-ip:[^:]+|rate:(?:registrationsPerIpPerHour|anonymousLoginsPerIpPerHour|emailsPerIpPerHour|signInRedirectsPerIpPerHour):[^:]+)$/

/** One SMS code per phone per second here: waits out the cooldown. */
const cooldown = () => new Promise((resolve) => setTimeout(resolve, 1100))

interface BusyUser {
  id: number
  accessToken: string
  refreshToken: string
  /** A pending oauth_login_code. */
  loginCode: string
  /** A pending client API SMS code of the phone. */
  clientCode: string
  /** The path of a pending password-reset link. */
  resetPath: string
}

/** A phone API user that used every flow, then deleted its account with an SMS code. */
async function busyUserDeleted(t: DeletionTestApp): Promise<BusyUser> {
  const first = await t.passwordGrant(PHONE, await t.registerPhone(PHONE))
  const refreshed = await t.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string })
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body))
  assertOAuthError(await t.token({ grant_type: 'password', username: PHONE, password: 'a wrong password' }), 400, 'invalid_grant')
  const loginCode = await t.loginCodeFor(PHONE)
  const user = await t.store.getUserByIdentifier('phone', PHONE)
  const operations = [
    { kind: 'set', field: INTERNAL_FIELDS.email, value: EMAIL },
    { kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true },
  ] as const
  assert.ok(await t.store.updateUser(user!.id, { operations: [...operations], updatedAt: 1 }))
  assert.equal((await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: EMAIL })).status, 201)
  const { path: resetPath } = pathAndToken(linkIn(t.mailer.last()))
  assertError(await t.request.post('/hserve/v1.8/sms-verification-code/verify/').set(CLIENT).send({ phone: PHONE, code: '000000' }), 400, 'invalid_code')

  const accessToken = refreshed.body.access_token as string
  await cooldown()
  assert.equal((await t.request.post(`${DESTROY}code/`).set(t.auth(accessToken))).status, 201)
  const deletionCode = t.outbox.lastCode(PHONE)
  await cooldown()
  assert.equal((await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone: PHONE })).status, 200)
  const clientCode = t.outbox.lastCode(PHONE)
  const res = await t.destroy(accessToken, { code: deletionCode })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return { id: user!.id, accessToken, refreshToken: refreshed.body.refresh_token as string, loginCode, clientCode, resetPath }
}

/** Every key under the prefix, with its value (strings; members of sets; fields of hashes) as text. */
async function snapshot(t: DeletionTestApp): Promise<Map<string, string>> {
  const { client, prefix } = t.redisKeys!
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    cursor = next
    keys.push(...found)
  } while (cursor !== '0')
  const values = new Map<string, string>()
  for (const key of keys) {
    const type = await client.type(key)
    const value =
      type === 'string' ? await client.get(key) : type === 'set' ? (await client.smembers(key)).join('\n') : type === 'hash' ? JSON.stringify(await client.hgetall(key)) : type
    values.set(key.slice(prefix.length), value ?? '')
  }
  return values
}

for (const backend of BACKENDS) {
  describe(`what a deletion leaves (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('refuses every token, refresh token, pending SMS code, e-mail link and oauth_login_code of the deleted user', async () => {
      const t = await createDeletionApp(backend)
      const user = await busyUserDeleted(t)
      await t.assertGone(user.id)
      assertError(await t.request.get('/hserve/v2.2/user/info/').set(t.auth(user.accessToken)), 401, 'unauthenticated')
      assertOAuthError(await t.token({ grant_type: 'refresh_token', refresh_token: user.refreshToken }), 400, 'invalid_grant')
      assertOAuthError(await t.token({ grant_type: 'password', username: PHONE, password: user.loginCode }), 400, 'invalid_grant')
      assertError(await t.request.get(user.resetPath).set('Accept', 'application/json'), 400, 'invalid_link')
      // The phone is free: only the deleted code stands between it and a new account.
      assertError(await t.request.post('/hserve/v2.1/login/sms/').set(CLIENT).send({ phone: PHONE, code: user.clientCode }), 400, 'invalid_code')
      assert.equal(await t.store.getUserByIdentifier('phone', PHONE), null)
    })

    it('leaves no key made for the user in Redis, only the counters of the IP', { skip: backend === 'memory' && 'no Redis' }, async () => {
      const t = await createDeletionApp(backend)
      const before = await snapshot(t)
      const user = await busyUserDeleted(t)
      const left = [...(await snapshot(t))].filter(([key]) => !before.has(key))
      const personal = left.filter(([key]) => !IP_ONLY.test(key))
      assert.deepEqual(personal, [], 'keys made for the user remain')
      // The user's id as a part of a key name (`...:<id>` or `...:<id>:...`), or in a value; the phone and e-mail anywhere.
      const idInName = new RegExp(`:${user.id}(?::|$)`)
      for (const [key, value] of left) {
        assert.ok(!idInName.test(key), `${key} names the user's id`)
        for (const trace of [PHONE, EMAIL, `"userId":${user.id}`]) assert.ok(!key.includes(trace) && !value.includes(trace), `${key} = ${value} holds ${trace}`)
      }
      assert.ok(
        left.some(([key]) => /sms-ip:/.test(key)),
        'the IP counters stay',
      )
    })

    it("keeps the SMS counts of a phone the account never verified: they guard the number's owner", { skip: backend === 'memory' && 'no Redis' }, async () => {
      const t = await createDeletionApp(backend)
      const phone = '13900139002'
      const { id, token } = await t.signUp('phone', phone)
      assert.equal((await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone })).status, 200)
      assert.equal((await t.destroy(token, { password: PASSWORD })).status, 201)
      await t.assertGone(id)
      const left = [...(await snapshot(t)).keys()]
      assert.ok(
        left.some((key) => key.endsWith(`sms-phone-day:${phone}`)),
        `the phone's daily count stays: ${left.join(', ')}`,
      )
    })
  })
}
