/**
 * PostgreSQL stopped under traffic (a throwaway cluster, never the shared server), by a clean
 * shutdown and by a crash: the server process answers 503 `unavailable` promptly, does not crash,
 * and serves again by itself once PostgreSQL is back, tokens included (they live in Redis).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createRedisTestKeys, REDIS_URL, redisUnavailable, type RedisTestKeys } from '../helpers/redis.js'
import { startRouterProcess, stopRouterProcesses, type RouterProcess } from '../helpers/router-processes.js'
import { postgresServerMissing, startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/throwaway-postgres.js'
import { assertOutageAnswers, describeAnswers, startTraffic, waitUntil } from '../helpers/traffic.js'
import { createServerUsers, migratedSchema, type MigratedSchema } from './fixtures.js'

const skip = postgresServerMissing() ?? (await redisUnavailable())

describe('PostgreSQL stopped during traffic', { skip: skip ?? false }, () => {
  let postgres: ThrowawayPostgres | undefined
  let schema: MigratedSchema
  let keys: RedisTestKeys
  let server: RouterProcess

  before(async () => {
    postgres = await startThrowawayPostgres()
    schema = await migratedSchema('pg_outage', postgres.url)
    keys = createRedisTestKeys('pg-outage')
    server = await startRouterProcess(schema.processConfig({ url: REDIS_URL }, keys.nextPrefix()))
  })
  after(async () => {
    await stopRouterProcesses()
    await schema?.pool.end().catch(() => {})
    await keys?.cleanup()
    await postgres?.destroy()
  })

  for (const mode of ['fast', 'immediate'] as const) {
    it(`answers 503 unavailable within 2 s, keeps running, and serves again after a restart (${mode} shutdown)`, async () => {
      const users = createServerUsers(server.url)
      const { id, token } = await users.register(`pat-${mode}`)
      // Reads with an old token (Redis, then a primary-key SELECT) and sign-ins (Redis, a lookup, a hash).
      const traffic = startTraffic((n) => (n % 2 === 0 ? users.read(id, token) : users.signInAndRead(`pat-${mode}`)))
      await sleep(300)
      await postgres!.stop(mode)
      const downAt = Date.now()
      await sleep(2500)
      const backAt = Date.now()
      await postgres!.start()
      await waitUntil(async () => (await users.read(id, token)).status === 200, 10_000, 'serving again')
      await sleep(300)
      const answers = await traffic.stop()

      assert.ok(server.alive(), `the server process died:\n${server.output()}`)
      assertOutageAnswers(answers, [200, 201])
      const during = answers.filter((a) => a.sentAt > downAt + 100 && a.sentAt + a.ms < backAt)
      assert.ok(during.length > 0 && during.every((a) => a.status === 503), `while PostgreSQL was down: ${describeAnswers(during)}`)
      assert.ok(
        answers.slice(-4).every((a) => a.status < 300),
        `at the end: ${describeAnswers(answers.slice(-4))}`,
      )
    })
  }
})
