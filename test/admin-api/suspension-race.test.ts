/**
 * A sign-in that read the user before an operator suspended it, and hands out its token after the
 * suspension revoked the user's tokens, must not leave that token alive: the store is wrapped so
 * that the suspension runs whole between the sign-in's lookup and its issue. Client API password
 * sign-in, the phone API's password grant and the admin sign-in, and a deletion in the same place;
 * on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { MemoryKeyValueStore } from '../../adapters/memory/index.js'
import type { KeyValueStore } from '../../src/ports.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { assertOAuthError, createPhoneTestApp, type PhoneTestApp } from '../phone-api/phone-app.js'
import { SESSION_SECRET, sessionCookie } from './admin-app.js'

const skip = await backendSkips()
after(releaseTestResources)

const OPERATORS = new Set(['root', 'mallory'])
/** The keys that let a user in: client API and access-token sessions, token families, admin grants. */
const GRANT_KEY = /(?:^|:)(?:session|oauth-family|admin-grant):[\w-]+$/

for (const backend of BACKENDS) {
  describe(`suspension racing a sign-in (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    let cookie = ''
    /** The keys of every grant (session, token family, admin grant) written since the lookup. */
    let granted: string[] = []
    let recording = false
    let kv: KeyValueStore
    const create = async () => {
      // In memory, a key-value store of the test's own, to see what the router writes.
      const own = backend === 'memory' ? new MemoryKeyValueStore() : undefined
      const t = await createPhoneTestApp(backend, 'suspension-race', {
        admin: { authorize: (user) => OPERATORS.has(user.username ?? '') },
        sessionSecret: SESSION_SECRET,
        ...(own ? { redis: own } : {}),
      })
      kv = own ?? t.kv!
      const set = kv.set.bind(kv)
      granted = []
      recording = false
      kv.set = async (key, value, ttl) => {
        if (recording && GRANT_KEY.test(key)) granted.push(key)
        return set(key, value, ttl)
      }
      await t.register('username', 'root')
      cookie = sessionCookie(await t.request.post('/userve/v1/login/').send({ username: 'root', password: PASSWORD }))
      return t
    }
    /** Asserts that the sign-in wrote a grant, and that none of them is left. */
    const assertNothingGrantedLives = async () => {
      assert.ok(granted.length > 0, 'the sign-in issued a grant before taking it back')
      for (const key of granted) assert.equal(await kv.get(key), null, `${key} is still live`)
    }
    const setSuspended = async (t: PhoneTestApp, id: number, suspended: boolean) => {
      const res = await t.request.put(`/userve/v2.2/miniapp/user/account/${id}/`).set('Cookie', cookie).send({ suspended })
      assert.equal(res.status, 200, JSON.stringify(res.body))
    }
    /** The next lookup of `username` reads the user, then the operator suspends it, then the sign-in goes on with what it read. */
    const suspendAfterLookup = (t: PhoneTestApp, username: string) => afterLookup(t, username, (id) => setSuspended(t, id, true))
    /** The next lookup of `username` reads the user, then `meanwhile` runs whole, then the sign-in goes on with what it read. */
    const afterLookup = (t: PhoneTestApp, username: string, meanwhile: (id: number) => Promise<void>) => {
      const { store } = t
      const lookup = store.getUserByIdentifier.bind(store)
      let armed = true
      store.getUserByIdentifier = async (kind, value) => {
        const user = await lookup(kind, value)
        if (armed && user && user.username === username) {
          armed = false
          await meanwhile(user.id)
          recording = true
        }
        return user
      }
      return () => assert.equal(armed, false, 'the sign-in looked the user up')
    }

    it('takes back the client API session of a sign-in that read the user before the suspension', async () => {
      const t = await create()
      const { id } = await t.signUp('username', 'alice')
      const looked = suspendAfterLookup(t, 'alice')
      const res = await t.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username: 'alice', password: PASSWORD })
      looked()
      assertError(res, 403, 'account_suspended')
      await assertNothingGrantedLives()
      assert.equal((await t.store.getUserById(id))?.suspended, true)
      assert.equal(
        t.events.some((e) => e.type === 'login' && e.userId === id && e.method === 'username'),
        false,
      )
    })

    it('takes back the token family of a password grant that read the user before the suspension', async () => {
      const t = await create()
      await t.signUp('username', 'alice')
      const looked = suspendAfterLookup(t, 'alice')
      const res = await t.token({ grant_type: 'password', username: 'alice', password: PASSWORD })
      looked()
      assertOAuthError(res, 403, 'invalid_grant')
      await assertNothingGrantedLives()
    })

    it('takes back the admin session of a sign-in that read the operator before the suspension, and lifting it brings none back', async () => {
      const t = await create()
      const { id } = await t.signUp('username', 'mallory')
      const looked = suspendAfterLookup(t, 'mallory')
      const res = await t.request.post('/userve/v1/login/').send({ username: 'mallory', password: PASSWORD })
      looked()
      assertError(res, 403, 'account_suspended')
      await assertNothingGrantedLives()
      await setSuspended(t, id, false)
      const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
      for (const set of cookies) assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', set.split(';')[0]!), 401, 'unauthenticated')
    })

    it('takes back the session of a sign-in whose user was deleted meanwhile', async () => {
      const t = await create()
      await t.signUp('username', 'alice')
      const looked = afterLookup(t, 'alice', async (id) => {
        assert.ok(await t.store.deleteUser(id))
      })
      const res = await t.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username: 'alice', password: PASSWORD })
      looked()
      assertError(res, 404, 'user_not_found')
      await assertNothingGrantedLives()
    })
  })
}
