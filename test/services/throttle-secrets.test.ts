/**
 * The login throttle's services under truly concurrent calls (no HTTP between them): of a burst of
 * wrong secrets, at most the limit is looked at or answered, on the in-memory store and on Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { RedisKeyValueStore } from '../../adapters/redis/index.js'
import { isUserRouterError } from '../../src/errors.js'
import { createUserSchema } from '../../src/model/schema.js'
import { parseOptions } from '../../src/options.js'
import type { KeyValueStore } from '../../src/ports.js'
import { authenticateClient } from '../../src/services/oauth-clients.js'
import { createServiceDeps, oauthServiceDeps } from '../../src/service-deps.js'
import { sendSmsCode, verifySmsCode } from '../../src/services/sms-codes.js'
import { CLIENT_ID } from '../helpers/test-app.js'
import { createRedisTestKeys, redisUnavailable, type RedisTestKeys } from '../helpers/redis.js'
import { smsOutbox } from '../helpers/sms-outbox.js'

const BURST = 150
const IP = '203.0.113.9'
const OAUTH_CLIENT = { id: 'server-app', secret: 'server-app-secret' }

/** Settles `BURST` concurrent calls: how many answered each value, and how many were throttled. */
async function burst<T>(call: (i: number) => Promise<T>): Promise<{ answers: T[]; throttled: number }> {
  const results = await Promise.allSettled(Array.from({ length: BURST }, (_, i) => call(i)))
  const answers: T[] = []
  let throttled = 0
  for (const result of results) {
    if (result.status === 'fulfilled') answers.push(result.value)
    else if (isUserRouterError(result.reason, 'login_throttled') && result.reason.retryAfter! >= 1) throttled++
    else throw result.reason
  }
  return { answers, throttled }
}

const redisSkip = await redisUnavailable()
let redisKeys: RedisTestKeys | null = null
after(async () => redisKeys?.cleanup())

const STORES: [string, string | false, () => KeyValueStore][] = [
  ['memory', false, () => new MemoryKeyValueStore()],
  [
    'Redis',
    redisSkip ?? false,
    () => {
      redisKeys ??= createRedisTestKeys('throttle-secrets')
      return new RedisKeyValueStore({ client: redisKeys.client, keyPrefix: redisKeys.nextPrefix() })
    },
  ],
]

for (const [name, skip, newStore] of STORES) {
  describe(`login throttle services under concurrent calls (${name})`, { skip }, () => {
    const stores: KeyValueStore[] = []
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close()
    })
    function serviceDeps() {
      const kv = newStore()
      stores.push(kv)
      const outbox = smsOutbox()
      const config = parseOptions({ storage: new MemoryUserStore(), clients: [CLIENT_ID], sms: outbox.sender, oauth: { clients: [OAUTH_CLIENT] } })
      const deps = oauthServiceDeps(createServiceDeps(config, { kv, schema: createUserSchema({}), sms: outbox.sender, mailer: undefined }), config)!
      return { deps, kv, throttle: deps.throttle, outbox }
    }

    it(`runs at most 10 of ${BURST} concurrent wrong checks of one account and IP, and at most 100 of one IP`, async () => {
      const { throttle } = serviceDeps()
      let checks = 0
      const wrong = async () => {
        checks++
        return false
      }
      const one = await burst(() => throttle.attempt('user:1', IP, wrong))
      assert.deepEqual([checks, one.answers.length, one.throttled], [10, 10, BURST - 10])
      checks = 0
      const many = await burst((i) => throttle.attempt(`user:${i + 2}`, IP, wrong))
      assert.deepEqual([checks, many.answers.length, many.throttled], [90, 90, BURST - 90], 'the IP had 90 places left')
    })

    it('gives both places back when a check throws, and the IP place back on success', async () => {
      const { throttle } = serviceDeps()
      for (let i = 0; i < 20; i++)
        await assert.rejects(
          throttle.attempt('user:1', IP, async () => Promise.reject(new Error('busy'))),
          /busy/,
        )
      for (let i = 0; i < 150; i++) assert.equal(await throttle.attempt(`user:${i}`, IP, async () => true), true)
      for (let i = 0; i < 10; i++) assert.equal(await throttle.attempt('user:1', IP, async () => false), false)
      await assert.rejects(
        throttle.attempt('user:1', IP, async () => true),
        (error) => isUserRouterError(error, 'login_throttled'),
      )
    })

    it(`answers at most 10 of ${BURST} concurrent wrong client secrets, and all of ${BURST} right ones`, async () => {
      const { deps } = serviceDeps()
      const right = await burst(() => authenticateClient(deps, OAUTH_CLIENT, { clientId: '', ip: IP, userAgent: '' }))
      assert.deepEqual([right.answers.length, right.throttled], [BURST, 0])
      let refused = 0
      const wrong = await burst((i) =>
        authenticateClient(deps, { id: OAUTH_CLIENT.id, secret: `guess ${i}` }, { clientId: '', ip: IP, userAgent: '' }).catch((error: unknown) => {
          if (!isUserRouterError(error, 'invalid_client')) throw error
          refused++
          return 'refused'
        }),
      )
      assert.deepEqual([refused, wrong.throttled], [10, BURST - 10])
      await assert.rejects(authenticateClient(deps, OAUTH_CLIENT, { clientId: '', ip: IP, userAgent: '' }), (error) => isUserRouterError(error, 'login_throttled'))
    })

    it(`looks at most 10 of ${BURST} concurrent wrong SMS codes up`, async () => {
      const { deps, kv, outbox } = serviceDeps()
      const phone = '13500135000'
      await sendSmsCode(deps, { phone, purpose: 'client', ip: IP })
      const right = outbox.sent[0]!.code
      let lookups = 0
      const consume = kv.consumeSecret.bind(kv)
      kv.consumeSecret = (...args) => {
        lookups++
        return consume(...args)
      }
      const wrong = (i: number) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0')
      const result = await burst((i) => verifySmsCode(deps, { phone, purpose: 'client', code: wrong(i), ip: IP }))
      assert.deepEqual([lookups, result.answers.filter((ok) => !ok).length, result.throttled], [10, 10, BURST - 10])
    })
  })
}
