/**
 * A user's signed-in sessions in the client API: the list (client API sign-ins and phone API OAuth
 * families, with their metadata, the caller's own marked), ending one, ending the others, the last
 * use written at most once a minute, and the per-user index kept bounded (expired members pruned,
 * the oldest ended past `sessions.maxPerUser`). On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { MemoryKeyValueStore } from '../../adapters/memory/index.js'
import { RedisKeyValueStore } from '../../adapters/redis/index.js'
import type { KeyValueStore } from '../../src/ports.js'
import { createRedisTestKeys, type RedisTestKeys } from '../helpers/redis.js'
import { assertError, type Backend, backendSkips, BACKENDS, CLIENT, CLIENT_ID, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { basic, createPhoneTestApp, OAUTH_CLIENT, type PhoneTestApp } from '../phone-api/phone-app.js'

const PHONE = '13812345678'
const SESSIONS = '/hserve/v2.0/user/sessions/'
const KEY_PREFIX = 'user-sessions-test:'

interface WireSession {
  id: string
  kind: string
  client_id: string
  created_at: number
  last_used_at: number
  ip: string
  user_agent: string
  current: boolean
}

const skip = await backendSkips()
let redisKeys: RedisTestKeys | null = null
after(async () => {
  await releaseTestResources()
  await redisKeys?.cleanup()
})

/** The key-value store of a test app, given to it so that the test reads the user's index. */
function keyValueStore(backend: Backend): KeyValueStore {
  if (backend !== 'real') return new MemoryKeyValueStore()
  redisKeys ??= createRedisTestKeys('user-sessions')
  return new RedisKeyValueStore({ client: redisKeys.client, keyPrefix: redisKeys.nextPrefix() })
}

/** The members of the user's session index, as the store holds them. */
const indexOf = (kv: KeyValueStore, userId: number) => kv.setMembers(`${KEY_PREFIX}user-sessions:${userId}`)

for (const backend of BACKENDS) {
  describe(`a user's signed-in sessions (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    async function create(options = {}): Promise<{ t: PhoneTestApp; kv: KeyValueStore }> {
      const kv = keyValueStore(backend)
      const t = await createPhoneTestApp(backend, 'user-sessions', { redis: kv, keyPrefix: KEY_PREFIX, ...options })
      return { t, kv }
    }

    const list = async (t: PhoneTestApp, authorization: string): Promise<WireSession[]> => {
      const res = await t.request.get(SESSIONS).set({ ...CLIENT, Authorization: authorization })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.equal(res.headers['cache-control'], 'no-store')
      return res.body.objects as WireSession[]
    }
    const readStatus = async (t: PhoneTestApp, authorization: string) => (await t.request.get('/hserve/v2.2/user/info/').set({ ...CLIENT, Authorization: authorization })).status
    const refresh = (t: PhoneTestApp, refreshToken: unknown) => t.token({ grant_type: 'refresh_token', refresh_token: String(refreshToken) })

    /** A user signed in three ways: two client API sign-ins (A, B) and one OAuth family. */
    async function signedInThreeWays(t: PhoneTestApp) {
      const first = await t.request.post('/hserve/v2.1/register/phone/').set(CLIENT).set('User-Agent', 'device-a').send({ phone: PHONE, password: PASSWORD })
      assert.equal(first.status, 201, JSON.stringify(first.body))
      t.clock.advance(5)
      const second = await t.request.post('/hserve/v2.1/login/phone/').set(CLIENT).set('User-Agent', 'device-b').send({ phone: PHONE, password: PASSWORD })
      assert.equal(second.status, 201, JSON.stringify(second.body))
      t.clock.advance(5)
      const grant = await t.request
        .post('/oauth/token')
        .set('Authorization', basic(OAUTH_CLIENT))
        .set('User-Agent', 'phone-app')
        .type('form')
        .send({ grant_type: 'password', username: PHONE, password: PASSWORD })
      assert.equal(grant.status, 200, JSON.stringify(grant.body))
      const oauth = grant.body as Record<string, unknown>
      return {
        id: first.body.id as number,
        a: `Hydrogen-r1 ${first.body.token as string}`,
        b: `Hydrogen-r1 ${second.body.token as string}`,
        bearer: `Bearer ${oauth.access_token as string}`,
        oauth,
      }
    }

    it('lists client API sign-ins and OAuth families with their metadata, newest first, the caller marked', async () => {
      const { t } = await create()
      const user = await signedInThreeWays(t)
      const sessions = await list(t, user.b)
      assert.deepEqual(
        sessions.map((s) => [s.kind, s.client_id, s.user_agent, s.current]),
        [
          ['oauth', OAUTH_CLIENT.id, 'phone-app', false],
          ['token', CLIENT_ID, 'device-b', true],
          ['token', CLIENT_ID, 'device-a', false],
        ],
      )
      assert.ok(sessions[0]!.created_at > sessions[1]!.created_at && sessions[1]!.created_at > sessions[2]!.created_at)
      for (const s of sessions) {
        assert.match(s.ip, /127\.0\.0\.1/)
        assert.equal(s.last_used_at, s.created_at)
        assert.match(s.id, /^[A-Za-z0-9_-]{22}$/)
      }
      assert.equal(new Set(sessions.map((s) => s.id)).size, 3)
      // The OAuth access token marks its family.
      assert.deepEqual(
        (await list(t, user.bearer)).map((s) => s.current),
        [true, false, false],
      )
    })

    it('keeps the last use, written at most once a minute; an OAuth family at its refreshes', async () => {
      const { t } = await create()
      const user = await signedInThreeWays(t)
      const byKind = async () => {
        const sessions = await list(t, user.b)
        return { a: sessions[2]!, oauth: sessions[0]! }
      }
      const before = await byKind()
      t.clock.advance(30)
      assert.equal(await readStatus(t, user.a), 200)
      assert.equal((await byKind()).a.last_used_at, before.a.last_used_at, 'not written within the minute')
      t.clock.advance(31)
      assert.equal(await readStatus(t, user.a), 200)
      const afterMinute = await byKind()
      assert.ok(afterMinute.a.last_used_at >= before.a.created_at + 61, JSON.stringify(afterMinute.a))
      assert.equal(afterMinute.oauth.last_used_at, before.oauth.created_at, 'an access token use is not a refresh')
      t.clock.advance(120)
      const refreshed = await refresh(t, user.oauth.refresh_token)
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body))
      const afterRefresh = await byKind()
      assert.ok(afterRefresh.oauth.last_used_at >= before.oauth.created_at + 180, JSON.stringify(afterRefresh.oauth))
      assert.equal(afterRefresh.oauth.created_at, before.oauth.created_at)
      assert.equal((await list(t, user.b)).length, 3, 'a refresh is no new session')
    })

    it('ends one session by its id: its token fails at the next request, an OAuth family its refresh token too', async () => {
      const { t } = await create()
      const user = await signedInThreeWays(t)
      const [oauth, , a] = await list(t, user.b)
      const ended = await t.request.delete(`${SESSIONS}${a!.id}/`).set({ ...CLIENT, Authorization: user.b })
      assert.equal(ended.status, 204, JSON.stringify(ended.body))
      assert.equal(await readStatus(t, user.a), 401)
      assert.equal(await readStatus(t, user.b), 200)
      assert.deepEqual(
        t.events.filter((e) => e.type === 'session_ended').map((e) => [e.userId, e.method, e.clientId]),
        [[user.id, 'self', CLIENT_ID]],
      )
      assertError(await t.request.delete(`${SESSIONS}${a!.id}/`).set({ ...CLIENT, Authorization: user.b }), 404, 'session_not_found')

      assert.equal((await t.request.delete(`${SESSIONS}${oauth!.id}/`).set({ ...CLIENT, Authorization: user.b })).status, 204)
      assert.equal(await readStatus(t, user.bearer), 401)
      assert.equal((await refresh(t, user.oauth.refresh_token)).status, 400)
      assert.deepEqual(
        (await list(t, user.b)).map((s) => s.current),
        [true],
      )
    })

    it("answers 404 for another user's session id and for an unknown one, ending nothing", async () => {
      const { t } = await create()
      const user = await signedInThreeWays(t)
      const other = await t.signUp('username', 'other')
      const theirs = await list(t, user.b)
      for (const id of [...theirs.map((s) => s.id), 'AAAAAAAAAAAAAAAAAAAAAA', 'x']) {
        assertError(await t.request.delete(`${SESSIONS}${id}/`).set(t.auth(other.token)), 404, 'session_not_found')
      }
      for (const authorization of [user.a, user.b, user.bearer]) assert.equal(await readStatus(t, authorization), 200)
      assert.equal((await list(t, user.b)).length, 3)
      assert.deepEqual(
        t.events.filter((e) => e.type === 'session_ended'),
        [],
      )
    })

    it('ends every other session, keeping the caller (and for an OAuth access token, its family)', async () => {
      const { t } = await create()
      const user = await signedInThreeWays(t)
      const res = await t.request.post(`${SESSIONS}destroy-others/`).set({ ...CLIENT, Authorization: user.bearer })
      assert.deepEqual([res.status, res.body], [201, { status: 'ok' }])
      assert.equal(await readStatus(t, user.a), 401)
      assert.equal(await readStatus(t, user.b), 401)
      assert.equal(await readStatus(t, user.bearer), 200)
      const refreshed = await refresh(t, user.oauth.refresh_token)
      assert.equal(refreshed.status, 200, 'the family of the caller lives on')

      const c = `Hydrogen-r1 ${await t.login('phone', PHONE)}`
      assert.equal((await t.request.post(`${SESSIONS}destroy-others/`).set({ ...CLIENT, Authorization: c })).status, 201)
      assert.equal(await readStatus(t, `Bearer ${refreshed.body.access_token as string}`), 401)
      assert.equal((await refresh(t, refreshed.body.refresh_token)).status, 400)
      assert.deepEqual(
        (await list(t, c)).map((s) => [s.kind, s.current]),
        [['token', true]],
      )
    })

    it('keeps at most sessions.maxPerUser per user: the oldest end, and a sign-in reads a bounded index', async () => {
      const kv = keyValueStore(backend)
      // Every index read, with how many members it answered.
      const reads: number[] = []
      const counted = new Proxy(kv, {
        get(target, property) {
          const value: unknown = Reflect.get(target, property, target)
          if (typeof value !== 'function') return value
          if (property !== 'setMembers') return value.bind(target)
          return async (key: string) => {
            const members = await target.setMembers(key)
            if (key.includes('user-sessions:')) reads.push(members.length)
            return members
          }
        },
      })
      const t = await createPhoneTestApp(backend, 'user-sessions', { redis: counted, keyPrefix: KEY_PREFIX, sessions: { maxPerUser: 3 } })
      const { id, token } = await t.signUp('phone', PHONE)
      const tokens = [token]
      for (let i = 0; i < 12; i++) {
        t.clock.advance(1)
        tokens.push(await t.login('phone', PHONE))
      }
      t.clock.advance(1)
      await t.passwordGrant(PHONE, PASSWORD)
      assert.equal((await indexOf(kv, id)).length, 3)
      assert.ok(Math.max(...reads) <= 4, `index reads answered ${JSON.stringify(reads)} members`)
      const statuses = await Promise.all(tokens.map((tk) => readStatus(t, `Hydrogen-r1 ${tk}`)))
      assert.deepEqual(statuses, [...Array(11).fill(401), 200, 200])
      const sessions = await list(t, `Hydrogen-r1 ${tokens.at(-1)!}`)
      assert.deepEqual(
        sessions.map((s) => s.kind),
        ['oauth', 'token', 'token'],
      )
    })

    it('prunes expired sessions from the index at each sign-in and listing', async () => {
      const { t, kv } = await create({ tokenTtlSeconds: 3600, oauth: { clients: [OAUTH_CLIENT], refreshTokenTtlSeconds: 7200 } })
      t.clock.freeze() // the listing comes one second before the fresh token's end: real time must not eat it
      const { id } = await t.signUp('phone', PHONE)
      await t.login('phone', PHONE)
      await t.passwordGrant(PHONE, PASSWORD)
      assert.equal((await indexOf(kv, id)).length, 3)
      t.clock.advance(3601)
      const fresh = `Hydrogen-r1 ${await t.login('phone', PHONE)}`
      assert.equal((await indexOf(kv, id)).length, 2, 'the two expired tokens left at the sign-in')
      t.clock.advance(3599)
      assert.deepEqual(
        (await list(t, fresh)).map((s) => s.kind),
        ['token'],
      )
      assert.equal((await indexOf(kv, id)).length, 1, 'the expired family left at the listing')
    })
  })
}
