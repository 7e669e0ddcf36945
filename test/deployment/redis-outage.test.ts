/**
 * Redis killed under traffic (a throwaway `redis-server`, never the shared one): the server process
 * answers 503 `unavailable` promptly, does not crash, and serves again by itself once Redis is back.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { postgresUnavailable } from '../helpers/postgres.js'
import { redisServerMissing, startThrowawayRedis, type ThrowawayRedis } from '../helpers/redis.js'
import { startRouterProcess, stopRouterProcesses, type RouterProcess } from '../helpers/router-processes.js'
import { assertOutageAnswers, describeAnswers, startTraffic, waitUntil } from '../helpers/traffic.js'
import { createServerUsers, migratedSchema, type MigratedSchema } from './fixtures.js'

const skip = redisServerMissing() ?? (await postgresUnavailable())

describe('Redis killed during traffic', { skip: skip ?? false }, () => {
  let redis: ThrowawayRedis
  let schema: MigratedSchema
  let server: RouterProcess

  before(async () => {
    redis = await startThrowawayRedis()
    schema = await migratedSchema('redis_outage')
    server = await startRouterProcess(schema.processConfig({ url: redis.url }))
  })
  after(async () => {
    await stopRouterProcesses()
    await redis?.kill()
    await schema?.drop()
  })

  it('answers 503 unavailable within 2 s, keeps running, and serves again once Redis is back', async () => {
    const users = createServerUsers(server.url)
    await users.register('rita')
    // Sign in and read with the new token: both touch Redis (throttle, session) and PostgreSQL.
    const traffic = startTraffic(() => users.signInAndRead('rita'))
    await sleep(300)
    await redis.kill()
    const downAt = Date.now()
    await sleep(2500)
    const backAt = Date.now()
    await redis.start()
    // Sessions lived in the killed Redis (no persistence): a fresh sign-in is the proof of service.
    await waitUntil(async () => (await users.signInAndRead('rita')).every((a) => a.status === 200 || a.status === 201), 10_000, 'serving again')
    await sleep(300)
    const answers = await traffic.stop()

    assert.ok(server.alive(), `the server process died:\n${server.output()}`)
    const during = answers.filter((a) => a.sentAt > downAt + 100 && a.sentAt + a.ms < backAt)
    assertOutageAnswers(answers, [200, 201])
    assert.ok(during.length > 0 && during.every((a) => a.status === 503), `while Redis was down: ${describeAnswers(during)}`)
    assert.ok(
      answers.slice(-4).every((a) => a.status < 300),
      `at the end: ${describeAnswers(answers.slice(-4))}`,
    )
  })
})
