/**
 * The user's data export (`GET /hserve/v2.0/user/export/`): the user as its owner sees it, the
 * identifiers with their verified flags, the identities and the sessions, as a no-store attachment,
 * and never a secret: no password hash, token, refresh token or token hash. On the in-memory backend
 * and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { hashToken } from '../../src/services/sessions.js'
import { backendSkips, BACKENDS, CLIENT, CLIENT_ID, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createPhoneTestApp, OAUTH_CLIENT } from '../phone-api/phone-app.js'

const PHONE = '13812345678'
const EXPORT = '/hserve/v2.0/user/export/'

interface ExportBody {
  user: Record<string, unknown>
  identities: unknown[]
  sessions: { kind: string; client_id: string; current: boolean }[]
  exported_at: unknown
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`the user's data export (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('holds the user, identifiers with verified flags, identities and sessions, as an attachment', async () => {
      const t = await createPhoneTestApp(backend, 'user-export', { profileFields: { bio: { type: 'string', public: false } } })
      const { id, token } = await t.signUp('phone', PHONE)
      await t.request.put('/hserve/v2.5/user/info/').set(t.auth(token)).send({ nickname: 'Ada', bio: 'private words' }).expect(200)
      t.clock.advance(1)
      const oauth = await t.passwordGrant(PHONE, PASSWORD)
      const res = await t.request.get(EXPORT).set(t.auth(token))
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.equal(res.headers['content-disposition'], `attachment; filename="user-${id}.json"`)
      assert.equal(res.headers['cache-control'], 'no-store')
      assert.match(res.headers['content-type'] ?? '', /^application\/json/)
      const body = res.body as ExportBody
      assert.deepEqual(Object.keys(body).sort(), ['exported_at', 'identities', 'sessions', 'user'])
      assert.equal(body.user.id, id)
      assert.equal(body.user._phone, PHONE)
      assert.equal(body.user._phone_verified, false)
      assert.equal(body.user._email, null)
      assert.equal(body.user._email_verified, false)
      assert.equal(body.user._suspended, false)
      assert.equal(body.user.nickname, 'Ada')
      assert.equal(body.user.bio, 'private words', 'fields only the owner sees are in')
      assert.deepEqual(body.identities, [])
      assert.deepEqual(
        body.sessions.map((s) => [s.kind, s.client_id, s.current]),
        [
          ['oauth', OAUTH_CLIENT.id, false],
          ['token', CLIENT_ID, true],
        ],
      )
      assert.equal(typeof body.exported_at, 'number')

      // No secret, however it is spelled.
      const text = res.text
      const stored = await t.store.getUserById(id)
      assert.ok(stored?.passwordHash, 'the user has a password hash to look for')
      const secrets = [stored.passwordHash, token, hashToken(token), String(oauth.access_token), hashToken(String(oauth.access_token)), String(oauth.refresh_token)]
      const [familyId, refreshSecret] = String(oauth.refresh_token).split('.')
      secrets.push(familyId!, refreshSecret!, hashToken(refreshSecret!))
      for (const secret of secrets) assert.ok(!text.includes(secret), `the export holds a secret (${secret.length} characters)`)
      assert.ok(!/password|hash/i.test(text), 'no password or hash field')
    })

    it('needs a signed-in user', async () => {
      const t = await createPhoneTestApp(backend, 'user-export')
      assert.equal((await t.request.get(EXPORT).set(CLIENT)).status, 401)
    })
  })
}
