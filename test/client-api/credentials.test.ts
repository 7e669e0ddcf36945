/**
 * Identifiers and passwords through the client API: NFKC usernames and passwords, refused invisible
 * characters and e-mail display forms, the common-password policy, and accounts stored before
 * normalisation; on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import * as scryptModule from 'scrypt-kdf'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, PASSWORD, releaseTestResources, type TestApp } from '../helpers/test-app.js'
import { RecordingMailer } from '../helpers/recording-mailer.js'

const Scrypt = (scryptModule as unknown as { default: { kdf(password: string, params: object): Promise<Uint8Array>; verify(key: Uint8Array, password: string): Promise<boolean> } })
  .default
/** A hash of exactly these characters with the test apps' cost, as made before passwords were normalised. */
const rawHash = async (password: string) => Buffer.from(await Scrypt.kdf(password, { logN: 4, r: 8, p: 1 })).toString('base64')

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`client API identifiers and passwords (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = (options = {}) => createTestApp({ backend, options, label: 'credentials' })
    const register = (t: TestApp, kind: string, value: string, password = PASSWORD) =>
      t.request
        .post(`/hserve/v2.1/register/${kind}/`)
        .set(CLIENT)
        .send({ [kind]: value, password })
    const login = (t: TestApp, kind: string, value: string, password = PASSWORD) =>
      t.request
        .post(`/hserve/v2.1/login/${kind}/`)
        .set(CLIENT)
        .send({ [kind]: value, password })

    it('stores usernames in NFKC form and finds them by any spelling of it', async () => {
      const t = await create()
      const res = await register(t, 'username', 'ｆｏｏ_１')
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.equal(res.body._username, 'foo_1')
      for (const spelling of ['foo_1', 'ｆｏｏ_１', 'FOO_1']) {
        const signedIn = await login(t, 'username', spelling)
        assert.equal(signedIn.status, 201, spelling)
        assert.equal(signedIn.body.id, res.body.id)
      }
      assertError(await register(t, 'username', 'foo_1'), 400, 'username_taken')
    })

    it('refuses usernames with invisible, blank-looking or control characters, naming the field', async () => {
      const t = await create()
      for (const username of ['a\u200bb', '\u3164', '\u2800\u2800', 'a\u3000b', 'a\u00a0b', '\u202eabc', 'x\ufeff', 'a\u115fb']) {
        assertError(await register(t, 'username', username), 400, 'invalid_request', 'username')
      }
      const token = await t.register('username', 'visible')
      const res = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ username: 'in\u200dvisible' })
      assertError(res, 400, 'invalid_request', 'username')
    })

    it('refuses e-mail display names, comments, groups and lists, naming the field', async () => {
      const t = await create()
      for (const email of ['Name<a@b.co>', '"Name" <a@b.co>', 'a@b.co(comment)', 'group:a@b.co;', 'a@b.co,c@d.co', 'a@b.co,c.co']) {
        assertError(await register(t, 'email', email), 400, 'invalid_request', 'email')
      }
      const token = await t.register('email', 'plain@example.com')
      const res = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ email: 'Eve <eve@example.com>' })
      assertError(res, 400, 'invalid_request', 'email')
    })

    it('sends no mail to an address stored before e-mail addresses had to be bare', async () => {
      const mailer = new RecordingMailer()
      const t = await create({ mailer })
      for (const email of ['me@example.com, eve@evil.example', 'Eve <eve@evil.example>']) {
        await t.store.createUser({ email, passwordHash: await rawHash(PASSWORD), createdAt: 1_700_000_000 })
        const token = await t.login('email', email)
        assertError(await t.request.post('/hserve/v2.0/user/email-verify/').set(t.auth(token)), 400, 'invalid_request', 'email')
      }
      assert.equal(mailer.sent.length, 0)
    })

    it('refuses the most common passwords and repeated characters, saying why', async () => {
      const t = await create()
      for (const password of ['password1', 'Qwertyuiop', '12345678']) {
        const res = await register(t, 'username', 'carol', password)
        assertError(res, 400, 'invalid_request', 'password')
        assert.match(res.body.details[0].message, /most common passwords/)
      }
      assertError(await register(t, 'username', 'carol', 'xxxxxxxxxx'), 400, 'invalid_request', 'password')
      assertError(await register(t, 'username', 'carol_the_great', 'Carol_The_Great'), 400, 'invalid_request', 'password')
      const token = await t.register('username', 'carol')
      const res = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ password: PASSWORD, new_password: 'iloveyou1' })
      assertError(res, 400, 'invalid_request', 'new_password')
      assert.match(res.body.details[0].message, /most common passwords/)
    })

    it('takes an app-supplied list of refused passwords, and can allow common ones', async () => {
      const t = await create({ password: { rejectCommon: false, rejectList: ['demo app 2024'] } })
      assertError(await register(t, 'username', 'dave', 'Demo App 2024'), 400, 'invalid_request', 'password')
      assert.equal((await register(t, 'username', 'dave', 'password1')).status, 201)
    })

    it('hashes passwords in NFKC form: a fullwidth password signs in typed in ASCII', async () => {
      const t = await create()
      assert.equal((await register(t, 'username', 'erin', 'ｂａｔｔｅｒｙ staple 2')).status, 201)
      assert.equal((await login(t, 'username', 'erin', 'battery staple 2')).status, 201)
      assert.equal((await login(t, 'username', 'erin', 'ｂａｔｔｅｒｙ staple 2')).status, 201)
    })

    it('signs in with a hash of the raw password made before normalisation, and upgrades it', async () => {
      const t = await create()
      const raw = 'ｏｌｄ password 3'
      const legacy = await t.store.createUser({ username: 'olduser', passwordHash: await rawHash(raw), createdAt: 1_700_000_000 })
      assert.equal((await login(t, 'username', 'olduser', raw)).status, 201)
      const upgraded = (await t.store.getUserById(legacy.id))!.passwordHash!
      assert.notEqual(upgraded, legacy.passwordHash)
      assert.equal(await Scrypt.verify(Buffer.from(upgraded, 'base64'), 'old password 3'), true)
      // Now every spelling of it signs in.
      assert.equal((await login(t, 'username', 'olduser', 'old password 3')).status, 201)
      assertError(await login(t, 'username', 'olduser', 'old password 4'), 400, 'invalid_credentials')
    })

    it('still signs in accounts whose username was stored before normalisation, by its exact spelling', async () => {
      const t = await create()
      const legacy = await t.store.createUser({ username: 'ｌｅｇａｃｙ', passwordHash: await rawHash(PASSWORD), createdAt: 1_700_000_000 })
      const res = await login(t, 'username', 'ｌｅｇａｃｙ')
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.equal(res.body.id, legacy.id)
      // A later account under the NFKC spelling does not take the old one's place.
      const later = await t.signUp('username', 'legacy')
      assert.notEqual(later.id, legacy.id)
      assert.equal((await login(t, 'username', 'ｌｅｇａｃｙ')).body.id, legacy.id)
      assert.equal((await login(t, 'username', 'legacy')).body.id, later.id)
    })
  })
}
