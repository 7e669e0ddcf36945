/**
 * What a third-party sign-in does to accounts, through HTTP on the in-memory backend and on
 * PostgreSQL + Redis: linking to the signed-in user, an identity held by another user,
 * `update_userprofile` (overwrite, setnx, false), and concurrent first sign-ins of one identity.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import type { NewIdentity, NewUser, StoredUser } from '../../src/model/user.js'
import type { UserRouterOptions } from '../../src/options.js'
import { AUTH_PAGE, authenticate, authToken, createIdentityTestApp, type IdentityTestApp, PROVIDER } from '../helpers/identity-app.js'
import { assertError, backendSkips, EVERY_BACKEND, CLIENT, closeTestApps, countUsers, releaseTestResources } from '../helpers/test-app.js'

const skip = await backendSkips()
after(releaseTestResources)

const PROFILE = { subject: 'bob-1', nickname: 'Bob at the provider', gender: 1, city: 'Shanghai', avatar: 'https://provider.example.com/bob.png' }

for (const backend of EVERY_BACKEND) {
  describe(`client API third-party accounts (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = (options: Partial<UserRouterOptions> = {}) => createIdentityTestApp(backend, 'idp-accounts', options)
    const associate = (t: IdentityTestApp, token: string, body: Record<string, unknown>) =>
      t.request.post(`/hserve/v2.0/idp/${PROVIDER}/user-association/`).set(t.auth(token)).send(body)

    it('links the identity to the signed-in user, who then signs in with it', async () => {
      const t = await create()
      const { id, token } = await t.signUp('username', 'carol')
      t.standIn.signInAs({ subject: 'carol-1', nickname: 'Carol' })
      const linked = await associate(t, token, { auth_token: await authToken(t, AUTH_PAGE, token), update_userprofile: 'setnx' })
      assert.equal(linked.status, 200, JSON.stringify(linked.body))
      assert.deepEqual(linked.body, { status: 'ok' })
      const user = await t.store.getUserById(id)
      assert.deepEqual(
        user?.identities.map((i) => [i.provider, i.subject]),
        [[PROVIDER, 'carol-1']],
      )
      assert.equal(user?.nickname, 'Carol')
      assert.deepEqual(user?.provider, { [PROVIDER]: { subject: 'carol-1', nickname: 'Carol' } })
      const signedIn = await authenticate(t, { auth_token: await authToken(t), create_user: false })
      assert.equal(signedIn.status, 201, JSON.stringify(signedIn.body))
      assert.equal(signedIn.body.id, id)
      assert.deepEqual(
        t.events.filter((e) => e.type === 'identity_linked').map((e) => [e.userId, e.method]),
        [[id, PROVIDER]],
      )
    })

    it('refuses to link an auth token from a sign-in another browser started: a link sent to a signed-in victim links nothing', async () => {
      const t = await create()
      const victim = await t.signUp('username', 'victor')
      const attacker = await t.signUp('username', 'mallory')
      t.standIn.signInAs({ subject: 'mallory-at-provider' })
      // The attacker completes a sign-in of the attacker's own (signed out, or as the attacker), then has the victim's page use the token.
      for (const startedBy of [undefined, attacker.token]) {
        const stolen = await authToken(t, AUTH_PAGE, startedBy)
        assertError(await associate(t, victim.token, { auth_token: stolen }), 400, 'invalid_auth_token')
      }
      assert.deepEqual((await t.store.getUserById(victim.id))?.identities, [])
      assert.equal(await t.store.getUserByIdentity(PROVIDER, 'mallory-at-provider'), null)
      assert.ok(!t.events.some((e) => e.type === 'identity_linked'))
    })

    it("keeps what a provider says within _provider's limits: an oversized or unclean answer still signs in", async () => {
      const t = await create()
      t.standIn.signInAs({ subject: 'big-1', nickname: 'Big', city: 'x'.repeat(9000), country: 'bad\u0000text' })
      const res = await authenticate(t, { auth_token: await authToken(t), update_userprofile: 'false' })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      const stored = (await t.store.getUserById(res.body.id))!.provider[PROVIDER] as Record<string, unknown>
      assert.deepEqual([stored.subject, stored.nickname, 'city' in stored, 'country' in stored], ['big-1', 'Big', false, false])
      assert.ok(Buffer.byteLength(JSON.stringify(stored)) <= 2048)
    })

    it('needs a token to link, and refuses an identity another user holds with identity_taken', async () => {
      const t = await create()
      t.standIn.signInAs({ subject: 'shared-1' })
      const holder = await authenticate(t, { auth_token: await authToken(t) })
      assert.equal(holder.status, 201)
      const other = await t.signUp('username', 'dave')
      const noToken = await t.request
        .post(`/hserve/v2.0/idp/${PROVIDER}/user-association/`)
        .set(CLIENT)
        .send({ auth_token: await authToken(t) })
      assertError(noToken, 401, 'unauthenticated')
      assertError(await associate(t, other.token, { auth_token: await authToken(t, AUTH_PAGE, other.token) }), 400, 'identity_taken')
      assert.deepEqual((await t.store.getUserById(other.id))?.identities, [])
      assert.equal((await t.store.getUserByIdentity(PROVIDER, 'shared-1'))?.id, holder.body.id)
    })

    it('lets a user who signs in only with the identity set a username without a password', async () => {
      const t = await create()
      const res = await authenticate(t, { auth_token: await authToken(t) })
      const account = await t.request.put('/hserve/v2.0/user/account/').set(t.auth(res.body.token)).send({ username: 'erin' })
      assert.equal(account.status, 200, JSON.stringify(account.body))
    })

    it('makes an anonymous user who links an identity a regular one', async () => {
      const t = await create({ anonymousLogin: true })
      const anonymous = await t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT).send({})
      assert.equal(anonymous.status, 201)
      assert.equal((await associate(t, anonymous.body.token, { auth_token: await authToken(t, AUTH_PAGE, anonymous.body.token) })).status, 200)
      assert.equal((await t.store.getUserById(anonymous.body.id))?.anonymous, false)
    })

    /** A user of the identity whose nickname is `Mine` (set by the user) and whose other fields are empty. */
    const userWithOwnNickname = async (t: IdentityTestApp) => {
      t.standIn.signInAs(PROFILE)
      const created = await authenticate(t, { auth_token: await authToken(t), update_userprofile: 'false' })
      assert.equal(created.status, 201)
      assert.deepEqual([created.body.nickname, created.body.gender, created.body.city, created.body.avatar], ['', 0, '', ''])
      const renamed = await t.request.put('/hserve/v2.5/user/info/').set(t.auth(created.body.token)).send({ nickname: 'Mine' })
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body))
      return created.body.id as number
    }
    const profileOf = async (t: IdentityTestApp, id: number) => {
      const user = await t.store.getUserById(id)
      return [user?.nickname, user?.gender, user?.city, user?.avatar]
    }

    it('update_userprofile setnx fills only the empty fields', async () => {
      const t = await create()
      const id = await userWithOwnNickname(t)
      assert.equal((await authenticate(t, { auth_token: await authToken(t), update_userprofile: 'setnx' })).status, 201)
      assert.deepEqual(await profileOf(t, id), ['Mine', 1, 'Shanghai', PROFILE.avatar])
    })

    it('update_userprofile overwrite writes every field the provider gave', async () => {
      const t = await create()
      const id = await userWithOwnNickname(t)
      assert.equal((await authenticate(t, { auth_token: await authToken(t), update_userprofile: 'overwrite' })).status, 201)
      assert.deepEqual(await profileOf(t, id), [PROFILE.nickname, 1, 'Shanghai', PROFILE.avatar])
    })

    it("update_userprofile false ('false' or false) writes none", async () => {
      const t = await create()
      const id = await userWithOwnNickname(t)
      for (const value of ['false', false]) {
        assert.equal((await authenticate(t, { auth_token: await authToken(t), update_userprofile: value })).status, 201)
        assert.deepEqual(await profileOf(t, id), ['Mine', 0, '', ''])
      }
      assertError(await authenticate(t, { auth_token: await authToken(t), update_userprofile: 'always' }), 400, 'invalid_request', 'update_userprofile')
    })

    it('creates exactly one user from 20 concurrent first sign-ins of one identity, and signs them all into it', async () => {
      const t = await create()
      t.standIn.signInAs({ subject: 'crowd-1', nickname: 'Crowd' })
      const tokens: string[] = []
      for (let i = 0; i < 20; i++) tokens.push(await authToken(t))
      const answers = await Promise.all(tokens.map((token) => authenticate(t, { auth_token: token, create_user: true })))
      for (const res of answers) assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.equal(new Set(answers.map((res) => res.body.id)).size, 1)
      assert.equal(await countUsers(t.store), 1)
      assert.equal(t.events.filter((e) => e.type === 'registered').length, 1)
      assert.equal(t.events.filter((e) => e.type === 'login').length, 20)
    })
  })
}

/** A store where another sign-in of the same identity always creates its user first. */
class RacedStore extends MemoryUserStore {
  override async createUserWithIdentity(user: NewUser, identity: NewIdentity): Promise<StoredUser> {
    await super.createUserWithIdentity({ createdAt: user.createdAt, nickname: 'winner' }, identity)
    return super.createUserWithIdentity(user, identity)
  }
}

describe('client API third-party sign-in losing the race to create the user', () => {
  afterEach(closeTestApps)

  it('signs into the user the other sign-in created', async () => {
    const t = await createIdentityTestApp('memory', 'idp-race', { storage: new RacedStore() })
    const res = await authenticate(t, { auth_token: await authToken(t), create_user: true })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    assert.equal(res.body.nickname, 'winner')
    assert.equal(await countUsers(t.store), 1)
    assert.deepEqual(
      t.events.filter((e) => ['registered', 'login'].includes(e.type)).map((e) => [e.type, e.userId]),
      [['login', res.body.id]],
    )
  })
})
