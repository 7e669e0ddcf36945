import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { indexedColumnName } from '../../adapters/postgres/indexed-columns.js'
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

  it('lets lists hold half the pool by default, with ten times the pool waiting', () => {
    const defaults = parsePostgresOptions({})
    assert.deepEqual([defaults.maxConcurrentListQueries, defaults.maxWaitingListQueries], [5, 100])
    const pool = Object.assign(Object.create(null), { query() {}, connect() {}, options: { max: 3 } })
    const small = parsePostgresOptions({ pool })
    assert.deepEqual([small.maxConcurrentListQueries, small.maxWaitingListQueries], [1, 30])
    const set = parsePostgresOptions({ maxConcurrentListQueries: 7, maxWaitingListQueries: 0 })
    assert.deepEqual([set.maxConcurrentListQueries, set.maxWaitingListQueries], [7, 0])
    assert.throws(() => parsePostgresOptions({ maxConcurrentListQueries: 0 }), /options\.maxConcurrentListQueries must be a positive integer/)
    assert.throws(() => parsePostgresOptions({ maxWaitingListQueries: -1 }), /options\.maxWaitingListQueries must be a non-negative integer/)
  })

  it('checks the indexed fields and indexes it is given, and reports them', () => {
    assert.throws(() => new PostgresUserStore({ indexedFields: { tags: 'array' as 'string' } }), /PostgresUserStore: options\.indexedFields\.tags must be one of/)
    assert.throws(() => new PostgresUserStore({ indexes: [['score']] }), /PostgresUserStore: options\.indexes\[0\] names "score"/)
    assert.throws(() => new PostgresUserStore({ now: 5 as unknown as () => number }), /PostgresUserStore: options\.now must be a function/)
    const store = new PostgresUserStore({ indexedFields: { score: 'integer', Score: 'string' }, indexes: [['score', '-created_at']] })
    assert.deepEqual(store.indexedFields(), { score: 'integer', Score: 'string' })
  })

  it('names a column after its field, case kept, and shortens a long name with a hash of it', () => {
    assert.equal(indexedColumnName('score'), 'f_score')
    assert.notEqual(indexedColumnName('Score'), indexedColumnName('score'))
    const long = `a${'b'.repeat(63)}`
    const other = `a${'b'.repeat(62)}c`
    for (const name of [long, other]) assert.ok(indexedColumnName(name).length <= 63)
    assert.notEqual(indexedColumnName(long), indexedColumnName(other))
  })
})
