import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parsePostgresOptions } from '../../adapters/postgres/options.js'
import { QueryGate } from '../../adapters/postgres/query-gate.js'
import { isUserRouterError } from '../../src/errors.js'

describe('PostgreSQL query gate', () => {
  it('lets `limit` queries run at once, queues `maxWaiting` in order, and answers busy to the rest', async () => {
    const gate = new QueryGate(2, 2, 'Too many queries are running; try again shortly.')
    let running = 0
    let maxRunning = 0
    const order: number[] = []
    const releases: (() => void)[] = []
    const work = (i: number) => () =>
      new Promise<number>((resolve) => {
        running++
        maxRunning = Math.max(maxRunning, running)
        order.push(i)
        releases.push(() => {
          running--
          resolve(i)
        })
      })
    const results = [0, 1, 2, 3, 4].map((i) =>
      gate.run(work(i)).then(
        (v) => v,
        (e: unknown) => e,
      ),
    )
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(order, [0, 1], 'two run, the others wait without starting')
    assert.ok(isUserRouterError(await results[4], 'busy'), 'the fifth finds the waiting room full')
    while (releases.length > 0 || order.length < 4) {
      releases.shift()?.()
      await new Promise((resolve) => setImmediate(resolve))
    }
    assert.deepEqual(await Promise.all(results.slice(0, 4)), [0, 1, 2, 3])
    assert.deepEqual(order, [0, 1, 2, 3], 'first come, first served')
    assert.equal(maxRunning, 2)
    // A failing query frees its place too.
    await assert.rejects(
      gate.run(() => Promise.reject(new Error('boom'))),
      /boom/,
    )
    assert.equal(await gate.run(async () => 'again'), 'again')
  })

  it('checks its options: a quarter of the pool by default, a regex timeout within the statement timeout', () => {
    assert.equal(parsePostgresOptions({}).maxConcurrentRegexQueries, 2)
    assert.equal(parsePostgresOptions({}).regexStatementTimeoutMs, 1000)
    assert.equal(parsePostgresOptions({ statementTimeoutMs: 300 }).regexStatementTimeoutMs, 300)
    assert.equal(parsePostgresOptions({ maxConcurrentRegexQueries: 5 }).maxConcurrentRegexQueries, 5)
    assert.throws(() => parsePostgresOptions({ statementTimeoutMs: 500, regexStatementTimeoutMs: 600 }), /options\.regexStatementTimeoutMs must be at most statementTimeoutMs/)
    assert.throws(() => parsePostgresOptions({ maxConcurrentRegexQueries: 0 }), /options\.maxConcurrentRegexQueries must be a positive integer/)
    assert.throws(() => parsePostgresOptions({ regexStatementTimeoutMs: -1 }), /options\.regexStatementTimeoutMs must be a positive integer/)
  })
})
