import assert from 'node:assert/strict'
import { once } from 'node:events'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { mapRedisError } from '../../adapters/redis/errors.js'
import { RedisKeyValueStore } from '../../adapters/redis/index.js'
import { isUserRouterError } from '../../src/errors.js'
import { describeKeyValueStoreConformance } from '../../src/testing/index.js'
import { createRedisTestKeys, REDIS_URL, redisServerMissing, redisUnavailable, startThrowawayRedis, type ThrowawayRedis } from '../helpers/redis.js'

const unavailable = (error: unknown) => isUserRouterError(error, 'unavailable')

/** A liveness bound only: "fails promptly" means well under this, on any machine. */
const PROMPT_MS = 5_000

/** Runs `check` until it passes or `ms` have passed, then rethrows its last failure. */
async function eventually(check: () => Promise<void>, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(100)
    }
  }
}

const redisSkip = await redisUnavailable()
const keys = redisSkip ? null : createRedisTestKeys('key-value')
after(() => keys?.cleanup())

describe('RedisKeyValueStore on Redis', { skip: redisSkip ?? false }, () => {
  describeKeyValueStoreConformance('RedisKeyValueStore with its own client', () => new RedisKeyValueStore({ url: REDIS_URL, keyPrefix: keys!.nextPrefix() }))
  describeKeyValueStoreConformance("RedisKeyValueStore on an app's client", () => new RedisKeyValueStore({ client: keys!.client, keyPrefix: keys!.nextPrefix() }))

  it('keeps two stores with different prefixes apart, prefixing keys itself', async () => {
    const [p1, p2] = [keys!.nextPrefix(), keys!.nextPrefix()]
    const a = new RedisKeyValueStore({ client: keys!.client, keyPrefix: p1 })
    const b = new RedisKeyValueStore({ client: keys!.client, keyPrefix: p2 })
    await a.set('k', 'a', 60)
    await b.set('k', 'b', 60)
    await a.increment('counter', 60)
    await a.addToSet('set', 'm', 60)
    assert.deepEqual([await b.get('counter'), await b.setMembers('set'), await b.ttl('set')], [null, [], null])
    assert.equal(await b.delete(['k', 'counter', 'set']), 1)
    assert.deepEqual([await a.get('k'), await a.get('counter'), await a.setMembers('set')], ['a', '1', ['m']])
    // The raw keys, scripts' included, carry the prefix: no ioredis keyPrefix involved.
    assert.equal(await keys!.client.get(`${p1}k`), 'a')
    assert.ok((await keys!.client.pttl(`${p1}counter`)) > 0)
    assert.deepEqual(await keys!.client.smembers(`${p1}set`), ['m'])
  })

  it("exposes the app's client and leaves it open on close", async () => {
    const store = new RedisKeyValueStore({ client: keys!.client, keyPrefix: keys!.nextPrefix() })
    assert.equal(store.client, keys!.client)
    await store.close()
    assert.equal(await keys!.client.ping(), 'PONG')
  })

  it('quits the client it created on close, after which calls answer unavailable', async () => {
    const store = new RedisKeyValueStore({ url: REDIS_URL, keyPrefix: keys!.nextPrefix() })
    assert.equal(store.keyPrefix.startsWith('test:'), true)
    await store.set('k', 'v', 60)
    await store.close()
    await store.close()
    assert.equal((store.client as Redis).status, 'end')
    await assert.rejects(store.get('k'), unavailable)
  })
})

describe('RedisKeyValueStore options', () => {
  it('requires exactly one of client and url, naming the option', () => {
    assert.throws(() => new RedisKeyValueStore({}), /options\.url is required/)
    assert.throws(() => new RedisKeyValueStore({ url: REDIS_URL, client: new Redis({ lazyConnect: true }) }), /options\.client cannot be given together with options\.url/)
    assert.throws(() => new RedisKeyValueStore({ client: {} as Redis }), /options\.client must be an ioredis client/)
    assert.throws(() => new RedisKeyValueStore({ url: 'localhost:6379' }), /options\.url must be/)
  })

  it('rejects an unknown option and a commandTimeoutMs that is not a positive integer', () => {
    assert.throws(() => new RedisKeyValueStore({ url: REDIS_URL, prefix: 'x' } as never), /options\.prefix is not an option/)
    for (const commandTimeoutMs of [0, -5, 1.5, Number.NaN]) {
      assert.throws(() => new RedisKeyValueStore({ url: REDIS_URL, commandTimeoutMs }), /options\.commandTimeoutMs/)
    }
  })

  it("defaults the key prefix to 'eur:'", async () => {
    const store = new RedisKeyValueStore({ client: new Redis({ lazyConnect: true }) })
    assert.equal(store.keyPrefix, 'eur:')
    await store.close()
  })
})

describe('RedisKeyValueStore error mapping', () => {
  it('maps lost connections, timeouts and try-again replies to unavailable, and nothing else', () => {
    const retries = Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' })
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
    for (const error of [
      retries,
      refused,
      new Error('Connection is closed.'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error('Command timed out'),
      new Error('LOADING Redis is loading the dataset in memory'),
      new Error('CLUSTERDOWN The cluster is down'),
    ]) {
      const mapped = mapRedisError(error)
      assert.ok(isUserRouterError(mapped, 'unavailable'), error.message)
      assert.equal((mapped as Error).cause, error)
    }
    for (const error of [new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), new Error('ERR value is not an integer')]) {
      assert.equal(mapRedisError(error), error)
    }
  })
})

describe('RedisKeyValueStore without Redis', () => {
  it('answers unavailable promptly when Redis cannot be reached, with its own client', async () => {
    const store = new RedisKeyValueStore({ url: 'redis://127.0.0.1:1' })
    for (const call of [() => store.get('k'), () => store.set('k', 'v', 60), () => store.increment('c', 60), () => store.delete(['a', 'b'])]) {
      const started = Date.now()
      await assert.rejects(call(), unavailable)
      assert.ok(Date.now() - started < PROMPT_MS, `took ${Date.now() - started} ms`)
    }
    await store.close()
  })

  it("answers unavailable within commandTimeoutMs when an app's client cannot reach Redis", async () => {
    const client = new Redis('redis://127.0.0.1:1') // ioredis defaults: commands queue while offline
    client.on('error', () => {})
    const store = new RedisKeyValueStore({ client, commandTimeoutMs: 300 })
    const started = Date.now()
    await assert.rejects(store.addToSet('s', 'm', 60), unavailable)
    assert.ok(Date.now() - started < PROMPT_MS, `took ${Date.now() - started} ms`)
    await store.close()
    client.disconnect()
  })
})

const serverSkip = redisServerMissing()

describe('RedisKeyValueStore when Redis goes away and comes back', { skip: serverSkip ?? false }, () => {
  let server: ThrowawayRedis
  before(async () => {
    server = await startThrowawayRedis()
  })
  after(() => server?.kill())

  it('rides out a dropped connection: a call made while its own client reconnects waits and succeeds', async () => {
    const store = new RedisKeyValueStore({ url: server.url })
    await store.set('k', 'v', 60)
    const admin = new Redis(server.url)
    const reconnecting = once(store.client, 'reconnecting')
    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')
    await reconnecting
    assert.equal(await store.get('k'), 'v')
    await store.close()
    await admin.quit()
  })

  it('answers a read unavailable within commandTimeoutMs when a connected Redis stops answering, and serves again after', async () => {
    const store = new RedisKeyValueStore({ url: server.url, commandTimeoutMs: 300 })
    await store.set('k', 'v', 60)
    const admin = new Redis(server.url)
    // Every other client's commands wait for the pause's end, far past the store's deadline.
    await admin.call('CLIENT', 'PAUSE', String(4 * PROMPT_MS), 'ALL')
    try {
      const started = Date.now()
      await assert.rejects(store.get('k'), unavailable)
      assert.ok(Date.now() - started < PROMPT_MS, `took ${Date.now() - started} ms`)
    } finally {
      await admin.call('CLIENT', 'UNPAUSE')
    }
    await eventually(async () => assert.equal(await store.get('k'), 'v'), 10_000)
    await store.close()
    await admin.quit()
  })

  it('answers unavailable promptly while Redis is down, then serves again without a new store', async () => {
    const appClient = new Redis(server.url) // ioredis defaults, as an app may well have
    appClient.on('error', () => {})
    const stores = [new RedisKeyValueStore({ url: server.url, commandTimeoutMs: 1000 }), new RedisKeyValueStore({ client: appClient, commandTimeoutMs: 1000 })]
    for (const store of stores) {
      await store.set('k', 'v', 60)
      assert.equal(await store.get('k'), 'v')
    }
    await server.kill()
    for (const [i, store] of stores.entries()) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const started = Date.now()
        await assert.rejects(store.increment('k', 60), unavailable, `store ${i}`)
        assert.ok(Date.now() - started < PROMPT_MS, `store ${i} took ${Date.now() - started} ms`)
      }
    }
    await server.start()
    for (const store of stores) {
      await eventually(async () => {
        await store.set('k', 'back', 60)
        assert.equal(await store.get('k'), 'back')
      }, 10_000)
    }
    for (const store of stores) await store.close()
    await appClient.quit()
  })
})
