/**
 * The work of an authenticated read of one user (`GET /hserve/v2.2/user/info/:id/`), the hottest
 * route: one key-value read (the session) and one store read (the user), nothing else, whoever
 * reads and whatever fields are selected; once a minute per session, the write of its last use.
 * Counted on the store ports, on both backends.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { RedisKeyValueStore } from '../../adapters/redis/index.js'
import type { KeyValueStore, UserStore } from '../../src/ports.js'
import { createTestSchema, type TestSchema } from '../helpers/postgres.js'
import { createRedisTestKeys, type RedisTestKeys } from '../helpers/redis.js'
import { backendSkips, BACKENDS, type Backend, closeTestApps, createTestApp, releaseTestResources, type TestApp } from '../helpers/test-app.js'

/** `target` with every method call recorded by name in `calls`. */
function counting<T extends object>(target: T, calls: string[]): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        calls.push(String(property))
        return (value as (...a: unknown[]) => unknown).apply(object, args)
      }
    },
  })
}

const skip = await backendSkips()
let redisKeys: RedisTestKeys | null = null
const schemas: TestSchema[] = []
after(async () => {
  await releaseTestResources()
  await redisKeys?.cleanup()
  for (const schema of schemas) await schema.drop()
})

/** The two ports of a backend, each behind a recorder. */
async function countedPorts(backend: Backend): Promise<{ storage: UserStore; kv: KeyValueStore; close(): Promise<void> }> {
  if (backend !== 'real') return { storage: new MemoryUserStore(), kv: new MemoryKeyValueStore(), close: async () => {} }
  const schema = await createTestSchema('read_work')
  schemas.push(schema)
  const storage = new PostgresUserStore({ connectionString: schema.connectionString, schema: schema.schema })
  await storage.migrate()
  redisKeys ??= createRedisTestKeys('read-work')
  const kv = new RedisKeyValueStore({ client: redisKeys.client, keyPrefix: redisKeys.nextPrefix() })
  return { storage, kv, close: () => storage.close() }
}

for (const backend of BACKENDS) {
  describe(`the work of an authenticated read of a user (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('is one key-value read and one store read, for another user and for oneself, with or without keys=', async () => {
      const ports = await countedPorts(backend)
      const storeCalls: string[] = []
      const kvCalls: string[] = []
      let t: TestApp | undefined
      try {
        const app = await createTestApp({ backend, options: { storage: counting(ports.storage, storeCalls), redis: counting(ports.kv, kvCalls) } })
        t = app
        app.clock.freeze()
        const reader = await app.signUp('username', 'reader')
        const other = await app.signUp('username', 'other')
        for (const [id, query] of [
          [other.id, ''],
          [reader.id, ''],
          [other.id, '?keys=nickname,gender'],
          [reader.id, '?keys=-_email'],
        ] as const) {
          storeCalls.length = 0
          kvCalls.length = 0
          const res = await app.request.get(`/hserve/v2.2/user/info/${id}/${query}`).set(app.auth(reader.token))
          assert.equal(res.status, 200, JSON.stringify(res.body))
          assert.equal(res.body.id, id)
          assert.deepEqual(kvCalls, ['get'], `the session: one read, no write (user ${id}${query})`)
          assert.deepEqual(storeCalls, ['getUserById'], `the user: one read (user ${id}${query})`)
        }
      } finally {
        await t?.close()
        await ports.close()
      }
    })

    it("writes the session's last use once it is a minute old, and then reads only again", async () => {
      const ports = await countedPorts(backend)
      const kvCalls: string[] = []
      let t: TestApp | undefined
      try {
        const app = await createTestApp({ backend, options: { storage: ports.storage, redis: counting(ports.kv, kvCalls) } })
        t = app
        app.clock.freeze()
        const reader = await app.signUp('username', 'reader')
        const read = async () => {
          kvCalls.length = 0
          const res = await app.request.get(`/hserve/v2.2/user/info/${reader.id}/`).set(app.auth(reader.token))
          assert.equal(res.status, 200, JSON.stringify(res.body))
          return [...kvCalls]
        }
        app.clock.advance(59)
        assert.deepEqual(await read(), ['get'], 'within the minute: one read')
        app.clock.advance(1)
        assert.deepEqual(await read(), ['get', 'set', 'setMembers'], 'a minute on: the session written back, still listed')
        assert.deepEqual(await read(), ['get'], 'then one read again')
        app.clock.advance(59)
        assert.deepEqual(await read(), ['get'])
      } finally {
        await t?.close()
        await ports.close()
      }
    })
  })
}
