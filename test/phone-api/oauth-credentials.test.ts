/**
 * Identifiers and passwords on the phone API and the OAuth password grant: NFKC usernames (and
 * accounts stored before normalisation), refused names and common passwords; on the in-memory
 * backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { hashPassword } from '../../src/services/passwords.js'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { assertFailure, createPhoneTestApp, type PhoneTestApp } from './phone-app.js'

const PHONE = '13812345670'

const skip = await backendSkips()
after(releaseTestResources)

/** The id of the user whose access token this is. */
async function userOf(t: PhoneTestApp, tokens: Record<string, unknown>): Promise<number> {
  const res = await t.request
    .put('/hserve/v2.5/user/info/')
    .set({ ...CLIENT, Authorization: `Bearer ${String(tokens.access_token)}` })
    .send({})
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body.id as number
}

for (const backend of BACKENDS) {
  describe(`phone API and OAuth identifiers and passwords (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = () => createPhoneTestApp(backend, 'oauth-credentials')

    it('grants tokens for a username in any spelling of its NFKC form', async () => {
      const t = await create()
      const { id } = await t.signUp('username', 'ｇｙｂ_２')
      for (const spelling of ['gyb_2', 'ｇｙｂ_２', 'GYB_2']) assert.equal(await userOf(t, await t.passwordGrant(spelling, PASSWORD)), id, spelling)
    })

    it('grants tokens to an account whose username was stored before normalisation, by its exact spelling', async () => {
      const t = await create()
      // Hashed in NFKC form like every password; only the username is in its old, raw form.
      const legacy = await t.store.createUser({ username: 'ｏｌｄ', passwordHash: await hashPassword(PASSWORD, { logN: 4, r: 8, p: 1 }), createdAt: 1_700_000_000 })
      const later = await t.signUp('username', 'old')
      assert.equal(await userOf(t, await t.passwordGrant('ｏｌｄ', PASSWORD)), legacy.id)
      assert.equal(await userOf(t, await t.passwordGrant('old', PASSWORD)), later.id)
    })

    it('refuses a blank-looking name and a common password on update, naming the field', async () => {
      const t = await create()
      const tokens = await t.passwordGrant(PHONE, await t.registerPhone(PHONE))
      const update = (body: Record<string, unknown>) =>
        t.request
          .put('/api/v1/users/update')
          .set('Authorization', `Bearer ${String(tokens.access_token)}`)
          .send(body)
      assertFailure(await update({ name: '\u3164', password: PASSWORD, password_confirmation: PASSWORD }), 400, 'invalid_request', 'name')
      assertFailure(await update({ name: 'gyb', password: 'password1', password_confirmation: 'password1' }), 400, 'invalid_request', 'password')
      assertFailure(await update({ name: 'gyb_the_great', password: 'GYB_THE_GREAT', password_confirmation: 'GYB_THE_GREAT' }), 400, 'invalid_request', 'password')
      const res = await update({ name: 'ｇｙｂ', password: PASSWORD, password_confirmation: PASSWORD })
      assert.deepEqual([res.status, res.body], [200, { result: 1 }])
      assert.equal((await t.store.getUserByIdentifier('phone', PHONE))!.username, 'gyb')
    })
  })
}
