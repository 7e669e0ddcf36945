/**
 * Two apps on one Redis, each with default options (no keyPrefix): each router's keys live under a
 * prefix derived from where its users live (`UserStore.namespace()`), so a token, SMS cooldown,
 * login throttle or admin session of one app means nothing to the other, while two routers on the
 * same users (two processes of one app, or a restart) keep sharing them.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, it } from 'node:test'
import { Redis } from 'ioredis'
import supertest from 'supertest'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import type { UserRouterOptions } from '../../src/options.js'
import type { UserStore } from '../../src/ports.js'
import { createTestSchema, postgresUnavailable, type TestSchema } from '../helpers/postgres.js'
import { deleteKeysWithPrefix, REDIS_URL, redisUnavailable } from '../helpers/redis.js'
import { startRouterProcess, stopRouterProcesses } from '../helpers/router-processes.js'
import { smsOutbox } from '../helpers/sms-outbox.js'
import { assertError, CLIENT, closeTestApps, createTestApp, PASSWORD, type TestApp } from '../helpers/test-app.js'
import { COOKIE_NAME, createAdminApp, SESSION_SECRET } from '../admin-api/admin-app.js'

const redisSkip = await redisUnavailable()
const postgresSkip = redisSkip ?? (await postgresUnavailable())

/** The documented default prefix: `eur:` and the first 16 hex digits of the namespace's SHA-256. */
function derivedPrefix(store: UserStore): string | null {
  const namespace = (store as { namespace?: () => string }).namespace?.()
  return namespace === undefined ? null : `eur:${createHash('sha256').update(namespace).digest('hex').slice(0, 16)}:`
}

let redis: Redis
const prefixes = new Set<string>()
const stores: UserStore[] = []
const cleanups: (() => Promise<void>)[] = []
const dir = mkdtempSync(join(tmpdir(), 'eur-isolation-'))
let sqliteFiles = 0

/** Stores on two places (`other: true`), or two handles on one place, as a second process opens it. */
const kinds: [string, string | false, (other: boolean) => Promise<[UserStore, UserStore]>][] = [
  [
    'memory',
    redisSkip ?? false,
    async (other) => {
      const first = new MemoryUserStore()
      return [first, other ? new MemoryUserStore() : first]
    },
  ],
  [
    'SQLite',
    redisSkip ?? false,
    async (other) => {
      const file = () => join(dir, `users-${++sqliteFiles}.db`)
      const [a, b] = [file(), file()]
      const first = new SqliteUserStore({ filename: a })
      const second = new SqliteUserStore({ filename: other ? b : a })
      await first.migrate()
      await second.migrate()
      return [first, second]
    },
  ],
  [
    'PostgreSQL',
    postgresSkip ?? false,
    async (other) => {
      const schemas: TestSchema[] = [await createTestSchema('isolation'), ...(other ? [await createTestSchema('isolation')] : [])]
      cleanups.push(...schemas.map((schema) => () => schema.drop()))
      const open = (schema: TestSchema) => new PostgresUserStore({ connectionString: schema.connectionString, schema: schema.schema })
      const first = open(schemas[0]!)
      const second = open(schemas.at(-1)!)
      await first.migrate()
      await second.migrate()
      return [first, second]
    },
  ],
]

before(() => {
  if (!redisSkip) redis = new Redis(REDIS_URL)
})
after(async () => {
  await closeTestApps()
  await stopRouterProcesses()
  for (const store of stores) await store.close()
  for (const cleanup of cleanups) await cleanup()
  if (redis) {
    for (const prefix of prefixes) await deleteKeysWithPrefix(redis, prefix)
    await redis.quit()
  }
  rmSync(dir, { recursive: true, force: true })
})

/** A router with default key options on the shared Redis client (only the SMS sender is the test's). */
async function appOn(store: UserStore, options: Partial<UserRouterOptions> = {}): Promise<TestApp> {
  stores.push(store)
  const prefix = derivedPrefix(store)
  if (prefix !== null) prefixes.add(prefix)
  return createTestApp({ backend: 'real', options: { storage: store, redis, sms: smsOutbox().sender, loginThrottle: { maxFailuresPerAccount: 2 }, ...options } })
}

for (const [kind, skip, open] of kinds) {
  describe(`two apps with default options on one Redis (${kind})`, { skip }, () => {
    afterEach(closeTestApps)

    it('refuses (401) on one app a token of the other, even for a user with the same id', async () => {
      const [storeA, storeB] = await open(true)
      const [a, b] = [await appOn(storeA), await appOn(storeB)]
      const ann = await a.signUp('username', 'ann')
      const bob = await b.signUp('username', 'bob')
      assert.equal(ann.id, bob.id, 'both first users')
      assertError(await b.request.get(`/hserve/v2.2/user/info/${bob.id}/`).set(b.auth(ann.token)), 401, 'unauthenticated')
      assertError(await a.request.get(`/hserve/v2.2/user/info/${ann.id}/`).set(a.auth(bob.token)), 401, 'unauthenticated')
      assert.equal((await b.request.get(`/hserve/v2.2/user/info/${bob.id}/`).set(b.auth(bob.token))).status, 200)
    })

    it("does not count one app's SMS code or its cooldown on the other", async () => {
      const [storeA, storeB] = await open(true)
      const [a, b] = [await appOn(storeA), await appOn(storeB)]
      const send = (t: TestApp) => t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone: '13800138000' })
      assert.equal((await send(a)).status, 200)
      assert.equal((await send(b)).status, 200, 'the phone is not in a cooldown on the other app')
      assertError(await send(a), 400, 'sms_rate_limited')
    })

    it("does not count one app's failed sign-ins on the other", async () => {
      const [storeA, storeB] = await open(true)
      const [a, b] = [await appOn(storeA), await appOn(storeB)]
      await a.signUp('username', 'cat')
      await b.signUp('username', 'cat')
      const login = (t: TestApp, password: string) => t.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username: 'cat', password })
      for (let i = 0; i < 2; i++) assertError(await login(a, 'wrong password 1'), 400, 'invalid_credentials')
      assertError(await login(a, PASSWORD), 429, 'login_throttled')
      assert.equal((await login(b, PASSWORD)).status, 201, 'the other app has no failures for its cat')
    })

    it('accepts on one router a token of another router on the same users and Redis', async () => {
      const [storeA, storeB] = await open(false)
      const [a, b] = [await appOn(storeA), await appOn(storeB)]
      const ann = await a.signUp('username', 'ann')
      const me = await b.request.get(`/hserve/v2.2/user/info/${ann.id}/`).set(b.auth(ann.token))
      assert.equal(me.status, 200, JSON.stringify(me.body))
      assert.equal(me.body.id, ann.id)
    })
  })
}

describe('server processes of one app with default options', { skip: postgresSkip ?? false }, () => {
  it("accept each other's tokens, and so does a process started after one was killed", async () => {
    const schema = await createTestSchema('isolation')
    cleanups.push(() => schema.drop())
    // Opened here only to migrate and to know the prefix the processes derive on their own.
    const store = new PostgresUserStore({ connectionString: schema.connectionString, schema: schema.schema })
    await store.migrate()
    stores.push(store)
    prefixes.add(derivedPrefix(store) ?? 'eur:')
    const config = {
      databaseUrl: schema.connectionString,
      schema: schema.schema,
      redis: { url: REDIS_URL },
      secret: 'a shared secret of at least 32 characters',
      clientId: CLIENT['X-Hydrogen-Client-ID'],
    }
    const [a, b] = await Promise.all([startRouterProcess(config), startRouterProcess(config)])
    const reg = await supertest(a.url).post('/hserve/v2.1/register/username/').set(CLIENT).send({ username: 'ann', password: PASSWORD })
    assert.equal(reg.status, 201, JSON.stringify(reg.body))
    const info = (url: string) =>
      supertest(url)
        .get(`/hserve/v2.2/user/info/${reg.body.id}/`)
        .set({ ...CLIENT, Authorization: `Hydrogen-r1 ${reg.body.token}` })
    assert.equal((await info(b.url)).status, 200)
    await a.kill()
    const restarted = await startRouterProcess(config)
    assert.equal((await info(restarted.url)).status, 200, 'a restart keeps sessions')
    const hash = createHash('sha256')
      .update(reg.body.token as string)
      .digest('hex')
    assert.ok(await redis.get(`${derivedPrefix(store)}session:${hash}`), 'the processes derive the same prefix as this one')
  })
})

describe('admin sessions of two apps on one Redis', { skip: redisSkip ?? false }, () => {
  afterEach(closeTestApps)

  it('refuses (401) on one app the admin session of the other, signed with the same secret', async () => {
    const [storeA, storeB] = [new MemoryUserStore(), new MemoryUserStore()]
    stores.push(storeA, storeB)
    for (const store of [storeA, storeB]) {
      const prefix = derivedPrefix(store)
      if (prefix !== null) prefixes.add(prefix)
    }
    const a = await createAdminApp('real', 'isolation', { storage: storeA, redis, sessionSecret: SESSION_SECRET })
    const b = await createAdminApp('real', 'isolation', { storage: storeB, redis, sessionSecret: SESSION_SECRET })
    const cookie = await a.signInAdmin('root')
    await b.signUp('username', 'someone')
    assert.ok(cookie.startsWith(`${COOKIE_NAME}=`))
    assert.equal((await a.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200)
    assertError(await b.request.get('/userve/v1/user-profile/').set('Cookie', cookie), 401, 'unauthenticated')
    const sid = decodeURIComponent(cookie.split('=')[1]!).slice(2).split('.')[0]!
    assert.ok(await redis.get(`${derivedPrefix(storeA)}admin-session:${sid}`), 'the session lives under the derived prefix')
  })
})

describe('a store without namespace()', () => {
  afterEach(closeTestApps)
  /** Every method but namespace: what a custom store written before it looks like. */
  const custom = (): UserStore => {
    const inner = new MemoryUserStore()
    return {
      createUser: (user) => inner.createUser(user),
      createUserWithIdentity: (user, identity) => inner.createUserWithIdentity(user, identity),
      getUserById: (id) => inner.getUserById(id),
      getUserByIdentifier: (kind, value) => inner.getUserByIdentifier(kind, value),
      getUserByIdentity: (provider, subject) => inner.getUserByIdentity(provider, subject),
      getUserByUnionId: (unionId) => inner.getUserByUnionId(unionId),
      listUsers: (query) => inner.listUsers(query),
      updateUser: (id, changes) => inner.updateUser(id, changes),
      deleteUser: (id) => inner.deleteUser(id),
      linkIdentity: (id, identity) => inner.linkIdentity(id, identity),
      unlinkIdentity: (id, provider, subject) => inner.unlinkIdentity(id, provider, subject),
      close: () => inner.close(),
    }
  }

  it('is refused with Redis and no keyPrefix, naming keyPrefix', { skip: redisSkip ?? false }, async () => {
    await assert.rejects(createTestApp({ backend: 'real', options: { storage: custom(), redis } }), /options\.keyPrefix is required/)
  })

  it('runs with Redis and an explicit keyPrefix, which wins', { skip: redisSkip ?? false }, async () => {
    const keyPrefix = `test:isolation:${process.pid}:`
    prefixes.add(keyPrefix)
    const t = await createTestApp({ backend: 'real', options: { storage: custom(), redis, keyPrefix } })
    const { token } = await t.signUp('username', 'dan')
    const hash = createHash('sha256').update(token).digest('hex')
    assert.ok(await redis.get(`${keyPrefix}session:${hash}`), 'the session lives under the explicit prefix')
  })

  it('runs without Redis (nothing is shared)', async () => {
    const t = await createTestApp({ backend: 'memory', options: { storage: custom() } })
    await t.signUp('username', 'eve')
  })
})
