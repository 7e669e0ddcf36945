/**
 * PostgresUserStore with indexed custom fields, on real PostgreSQL: migrate() turns declared fields
 * into typed columns (backfilled, kept by a trigger, indexed concurrently), lists read them once
 * ready, with the same answers as the profile reading, and the common lists and counts run on the
 * declared indexes (checked with EXPLAIN on the very statements the store sends).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { PostgresUserStore, type PostgresUserStoreOptions } from '../../adapters/postgres/index.js'
import { fieldSql } from '../../adapters/postgres/field-sql.js'
import { indexedColumnName, indexPlans } from '../../adapters/postgres/indexed-columns.js'
import { BACKFILL_BATCH } from '../../adapters/postgres/migrate-indexed-fields.js'
import { tableNames } from '../../adapters/postgres/options.js'
import { Params } from '../../adapters/postgres/params.js'
import { isUserRouterError } from '../../src/errors.js'
import type { FieldDef } from '../../src/model/fields.js'
import { parseIndexOptions } from '../../src/model/indexed-fields.js'
import { createUserSchema } from '../../src/model/schema.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'
import { createTestSchema, postgresUnavailable, recordingPool, type RecordedStatement, type TestSchema } from '../helpers/postgres.js'

const unavailable = await postgresUnavailable()
const USERS = 100_000
const BASE = 1_500_000_000
const BIG_INDEXES: PostgresUserStoreOptions = { indexedFields: { tier: 'integer', score: 'integer' }, indexes: [['tier', '-created_at']] }
/** The small tables' fields: every indexable type, plus an array and an object that stay in the profile. */
const ODD_FIELDS = { n: 'integer', x: 'number', s: 'string', b: 'boolean', d: 'date' } as const
const schema = createUserSchema({ tier: 'integer', score: 'integer', ...ODD_FIELDS, m: 'integer', tags: 'array', meta: 'object' })
const context = { schema, visibility: 'all' } as const
const field = (name: string) => schema.fields.get(name)!

/** JSON values an app may have stored under any field (wrong types included): each becomes one user. */
const ODD_VALUES = [
  '1',
  '"1"',
  '1.5',
  '9007199254740993',
  '9007199254740991',
  '-9007199254740991',
  '-0',
  '2.0',
  '1e2',
  '1e400',
  'true',
  'false',
  'null',
  '""',
  '"x"',
  '"é"',
  '"2020-02-29T12:30:00.000Z"',
  '"2021-02-29T12:30:00.000Z"',
  '"2020-01-01"',
  '[1]',
  '{"a":1}',
]

interface PlanNode {
  type: string
  index?: string
  heapFetches?: number
}

/** Every node of an EXPLAIN (FORMAT JSON) plan. */
function planNodes(plan: Record<string, unknown>): PlanNode[] {
  const node: PlanNode = { type: plan['Node Type'] as string }
  if (typeof plan['Index Name'] === 'string') node.index = plan['Index Name']
  if (typeof plan['Heap Fetches'] === 'number') node.heapFetches = plan['Heap Fetches']
  return [node, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(planNodes)]
}

describe('PostgresUserStore: indexed custom fields', { skip: unavailable ?? false }, () => {
  let test: TestSchema
  const closers: (() => Promise<unknown>)[] = []
  const statements: RecordedStatement[] = []

  before(async () => {
    test = await createTestSchema('pg_idx_fields')
  })
  after(async () => {
    for (const close of closers.reverse()) await close()
    await test.drop()
  })

  /** A store on `table` (own pool unless `recorded`: then an app pool recording its statements). */
  function store(table: string, options: PostgresUserStoreOptions = {}, recorded = false): PostgresUserStore {
    const pool = recorded ? recordingPool(test.connectionString, statements, table, 4) : null
    const created = new PostgresUserStore({ ...(pool ? { pool } : { connectionString: test.connectionString }), schema: test.schema, table, ...options })
    closers.push(() => created.close())
    if (pool) closers.push(() => pool.end())
    return created
  }

  const list = (target: PostgresUserStore, params: Record<string, string>) => target.listUsers(parseListParams(params, context).query)
  const ids = async (target: PostgresUserStore, params: Record<string, string>) => {
    const page = await list(target, { limit: '1000', ...params })
    return { ids: page.users.map((u) => u.id), total: page.totalCount }
  }

  /** The store's SELECTs on the users table (neither the readiness look-up nor migrations). */
  const selects = () => statements.filter((s) => s.text.startsWith('SELECT ') && !s.text.startsWith('SELECT "column"'))

  /** A table of one user per odd value (the value under every odd field), made before any field is indexed. */
  async function oddTable(table: string): Promise<void> {
    await store(table).migrate()
    const profiles = [
      '{}',
      ...ODD_VALUES.map(
        (v) =>
          `{${Object.keys(ODD_FIELDS)
            .map((k) => `"${k}": ${v}`)
            .join(', ')}, "tags": ["a"], "meta": {"k": 1}}`,
      ),
    ]
    await test.pool.query(
      `INSERT INTO "${test.schema}"."${table}" (created_at, updated_at, profile)
       SELECT 1700000000 + p.i, 1700000000, p.profile::jsonb FROM unnest($1::text[]) WITH ORDINALITY AS p(profile, i)`,
      [profiles],
    )
  }

  /** Rows whose column differs from the profile reading of the queries (`fieldSql`), per field: all zero when right. */
  async function columnsDiffering(table: string, fields: readonly FieldDef[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = {}
    for (const f of fields) {
      const params = new Params()
      const reading = fieldSql(f, params).sql
      const { rows } = await test.pool.query(
        `SELECT count(*)::int AS n FROM "${test.schema}"."${table}" WHERE "${indexedColumnName(f.name)}" IS DISTINCT FROM ${reading}`,
        params.values,
      )
      counts[f.name] = rows[0].n
    }
    return counts
  }
  const oddFields = () => Object.keys(ODD_FIELDS).map(field)
  const zeroes = (fields: readonly FieldDef[]) => Object.fromEntries(fields.map((f) => [f.name, 0]))

  async function indexValidity(table: string): Promise<Map<string, { valid: boolean; oid: number }>> {
    const { rows } = await test.pool.query(
      `SELECT c.relname, i.indisvalid, i.indexrelid::int AS oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass`,
      [`"${test.schema}"."${table}"`],
    )
    return new Map(rows.map((r) => [r.relname, { valid: r.indisvalid, oid: r.oid }]))
  }

  const plansOf = (table: string, options: PostgresUserStoreOptions) =>
    indexPlans(tableNames(test.schema, table), parseIndexOptions('PostgresUserStore', { indexedFields: options.indexedFields, indexes: options.indexes }))

  it('backfills an existing table, odd JSON included, with exactly the profile reading, in bounded batches', async () => {
    await oddTable('odd_backfill')
    const plain = store('odd_backfill')
    statements.length = 0
    const indexed = store(
      'odd_backfill',
      {
        indexedFields: ODD_FIELDS,
        indexes: [
          ['n', '-created_at'],
          ['s', 'x'],
        ],
      },
      true,
    )
    await indexed.migrate()
    assert.deepEqual(await columnsDiffering('odd_backfill', oddFields()), zeroes(oddFields()))
    const batches = statements.filter((s) => s.text.includes('WITH batch'))
    assert.equal(batches.length, 2, 'one batch of the few rows, one finding no more')
    // The integer column by row: only numbers Number.isSafeInteger accepts.
    const { rows } = await test.pool.query(`SELECT "f_n"::text AS n FROM "${test.schema}".odd_backfill ORDER BY id`)
    const expected = [null, '1', null, null, null, '9007199254740991', '-9007199254740991', '0', '2.0', '100', ...Array(12).fill(null)]
    assert.deepEqual(
      rows.map((r) => r.n),
      expected,
    )
    for (const plan of plansOf('odd_backfill', {
      indexedFields: ODD_FIELDS,
      indexes: [
        ['n', '-created_at'],
        ['s', 'x'],
      ],
    })) {
      assert.equal((await indexValidity('odd_backfill')).get(plan.name)?.valid, true, plan.name)
    }
    // Lists on the columns answer as the profile reading does.
    statements.length = 0
    const queries: Record<string, string>[] = [
      { where: '{"n":1}' },
      { where: '{"n":{"$gte":0}}', order_by: '-n', return_total_count: '1' },
      { where: '{"n":{"$in":[1,2,100]}}' },
      { where: '{"n":{"$ne":1}}', order_by: 'n' },
      { where: '{"n":{"$isnull":true}}', return_total_count: '1' },
      { where: '{"x":{"$lt":2}}', order_by: '-x' },
      { where: '{"s":{"$contains":"x"}}' },
      { where: '{"s":{"$icontains":"É"}}' },
      { where: '{"s":{"$regex":"^x"}}', order_by: 's' },
      { where: '{"s":{"$gt":""}}', order_by: '-s,x' },
      { where: '{"b":true}' },
      { where: '{"b":{"$ne":true}}', order_by: 'b' },
      { where: '{"d":{"$lt":"2021-01-01T00:00:00.000Z"}}', order_by: 'd' },
      { order_by: '-d' },
    ]
    for (const params of queries) assert.deepEqual(await ids(indexed, params), await ids(plain, params), JSON.stringify(params))
    assert.equal(selects().length, queries.length, 'one statement per list, its count included')
    assert.ok(
      selects().every((s) => /"f_[nxsbd]"/.test(s.text)),
      'every list read the columns',
    )
  })

  it('keeps the columns right through writes during and after a migration, for every update operator', async () => {
    await oddTable('odd_writes')
    const writer = store('odd_writes')
    const options = { indexedFields: { ...ODD_FIELDS, m: 'integer' }, indexes: [['m', 'n']] } as const
    const indexed = store('odd_writes', options)
    const updates: Record<string, unknown>[] = [
      { n: 5, x: 1.25, s: 'set', b: false, d: '2024-06-01T08:00:00.000Z', m: 3 },
      { n: { $incr_by: 2 }, x: { $incr_by: 0.5 }, m: { $incr_by: -1 } },
      { $unset: { n: '', s: '' } },
      { tags: { $append: ['b'] } },
      { tags: { $append_unique: ['a', 'c'] } },
      { tags: { $remove: ['a'] } },
      { tags: { $pop: 1 } },
      { meta: { $update: { k: 2 } } },
      { s: 'again', d: null },
    ]
    const apply = async (id: number, body: Record<string, unknown>, at: number) => {
      try {
        return await writer.updateUser(id, { operations: parseProfileUpdate(body, schema), updatedAt: at })
      } catch (error) {
        // An increment past the safe range (of the odd values) is refused, and changes nothing.
        if (isUserRouterError(error, 'invalid_update')) return null
        throw error
      }
    }
    const during = (async () => {
      for (let round = 0; round < 3; round++) {
        for (const [i, body] of updates.entries()) await apply(1 + ((round * updates.length + i) % 20), body, 1_800_000_000 + i)
        await writer.createUser({ createdAt: 1_700_000_100 + round, profile: { n: round, x: 0.5, s: 'new', b: true, m: round } })
      }
    })()
    await Promise.all([indexed.migrate(), during])
    const fields = [...oddFields(), field('m')]
    assert.deepEqual(await columnsDiffering('odd_writes', fields), zeroes(fields), 'during')
    for (const [i, body] of updates.entries()) {
      for (const id of [1, 2, 3, 7, 21]) await apply(id, body, 1_900_000_000 + i)
      assert.deepEqual(await columnsDiffering('odd_writes', fields), zeroes(fields), `after ${JSON.stringify(body)}`)
    }
    const created = await writer.createUser({ createdAt: 1_700_000_200, profile: { n: 9, m: 9007199254740991 } })
    const { rows } = await test.pool.query(`SELECT "f_n"::text AS n, "f_m"::text AS m, "f_s" AS s FROM "${test.schema}".odd_writes WHERE id = $1`, [created.id])
    assert.deepEqual(rows[0], { n: '9', m: '9007199254740991', s: null })
    const incremented = await apply(created.id, { n: { $incr_by: 1 } }, 1_900_000_100)
    assert.equal(incremented?.profile.n, 10)
    assert.deepEqual(await ids(indexed, { where: '{"n":10}' }), { ids: [created.id], total: undefined })
  })

  it('re-runs migrate as a no-op, recreates a column whose type changed, and stops trusting fields no longer declared', async () => {
    await oddTable('odd_rerun')
    const options = { indexedFields: ODD_FIELDS, indexes: [['n', '-created_at']] } as const
    await store('odd_rerun', options).migrate()
    const versions = async () => (await test.pool.query(`SELECT id, xmin::text AS version FROM "${test.schema}".odd_rerun ORDER BY id`)).rows
    const before = { rows: await versions(), indexes: await indexValidity('odd_rerun') }
    statements.length = 0
    const again = store('odd_rerun', options, true)
    await again.migrate()
    assert.deepEqual({ rows: await versions(), indexes: await indexValidity('odd_rerun') }, before, 'no row written, no index rebuilt')
    assert.equal(statements.filter((s) => /WITH batch|CREATE INDEX CONCURRENTLY|ALTER TABLE|CREATE TRIGGER|FUNCTION/.test(s.text)).length, 0)

    // A process that read the readiness before the type change below, and trusts it for a minute.
    const cached = store('odd_rerun', options)
    const integerOne = await ids(store('odd_rerun'), { where: '{"n":1}', order_by: '-n' })
    assert.deepEqual(await ids(cached, { where: '{"n":1}', order_by: '-n' }), integerOne)

    // `n` becomes a string field: its column is dropped and added again as text, then filled.
    const changed = { indexedFields: { ...ODD_FIELDS, n: 'string' }, indexes: [['n', '-created_at']] } as const
    await store('odd_rerun', changed).migrate()
    const { rows: types } = await test.pool.query(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'f_n' AND NOT attisdropped`,
      [`"${test.schema}".odd_rerun`],
    )
    assert.deepEqual(types, [{ type: 'text' }])
    const asString: FieldDef = { ...field('n'), type: 'string' }
    assert.deepEqual(await columnsDiffering('odd_rerun', [asString]), { n: 0 })
    const { rows: strings } = await test.pool.query(`SELECT count(*)::int AS n FROM "${test.schema}".odd_rerun WHERE f_n IS NOT NULL`)
    assert.equal(strings[0].n, 7, 'the string values of the odd ones')
    for (const plan of plansOf('odd_rerun', changed)) assert.equal((await indexValidity('odd_rerun')).get(plan.name)?.valid, true, plan.name)
    // The column it trusted is now text: its list fails over to the profile, and it looks again.
    assert.deepEqual(await ids(cached, { where: '{"n":1}', order_by: '-n' }), integerOne)
    // A store still declaring `n` an integer reads it from the profile once it looks again.
    let now = 0
    const old = store('odd_rerun', { ...options, now: () => now }, true)
    statements.length = 0
    assert.deepEqual(await ids(old, { where: '{"n":1}' }), await ids(store('odd_rerun'), { where: '{"n":1}' }))
    assert.ok(!selects().some((s) => s.text.includes('"f_n"')))

    // Nothing declared any more: no readiness, no trigger; the columns stay for processes still running.
    await store('odd_rerun').migrate()
    const { rows: ready } = await test.pool.query(`SELECT count(*)::int AS n FROM "${test.schema}".odd_rerun_indexed_fields`)
    const { rows: triggers } = await test.pool.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`, [`"${test.schema}".odd_rerun`])
    assert.deepEqual([ready[0].n, triggers[0].n], [0, 0])
    const { rows: columns } = await test.pool.query(`SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = $1::regclass AND attname LIKE 'f\\_%' AND NOT attisdropped`, [
      `"${test.schema}".odd_rerun`,
    ])
    assert.equal(columns[0].n, 5)
    now += 60_000
    statements.length = 0
    await ids(old, { where: '{"x":1}' })
    await ids(store('odd_rerun', options, true), { where: '{"x":1}' })
    assert.equal(selects().length, 2)
    assert.ok(!selects().some((s) => s.text.includes('"f_x"')), 'no store reads a column nobody maintains')
  })

  it('lets processes migrating at once take turns: every index valid, every column right', async () => {
    await oddTable('odd_together')
    const options = { indexedFields: ODD_FIELDS, indexes: [['n', '-created_at'], ['d']] } as const
    await Promise.all([1, 2, 3].map(() => store('odd_together', options).migrate()))
    assert.deepEqual(await columnsDiffering('odd_together', oddFields()), zeroes(oddFields()))
    const indexes = await indexValidity('odd_together')
    for (const plan of plansOf('odd_together', options)) assert.equal(indexes.get(plan.name)?.valid, true, plan.name)
  })

  it('builds again an index an interrupted build left INVALID', async () => {
    await oddTable('odd_invalid')
    const options = { indexedFields: { s: 'string' } } as const
    await store('odd_invalid', options).migrate()
    const [plan] = plansOf('odd_invalid', options)
    // A unique build over duplicate values fails half-way and leaves an INVALID index of that name.
    await test.pool.query(`DROP INDEX "${test.schema}"."${plan!.name}"`)
    await assert.rejects(test.pool.query(`CREATE UNIQUE INDEX CONCURRENTLY "${plan!.name}" ON "${test.schema}".odd_invalid (updated_at)`))
    assert.equal((await indexValidity('odd_invalid')).get(plan!.name)?.valid, false)
    await store('odd_invalid', options).migrate()
    assert.equal((await indexValidity('odd_invalid')).get(plan!.name)?.valid, true)
    const { rows } = await test.pool.query(`SELECT pg_get_indexdef($1::regclass) AS def`, [`"${test.schema}"."${plan!.name}"`])
    assert.match(rows[0].def, /\(f_s, id\)/)
  })

  it('reads the profile until the columns are ready, and picks them up within a minute of another process migrating', async () => {
    await oddTable('odd_late')
    let now = 1_000_000
    const options = { indexedFields: ODD_FIELDS, now: () => now } as const
    const early = store('odd_late', options, true)
    const reference = store('odd_late')
    const query = { where: '{"n":{"$gte":1}}', order_by: '-n', return_total_count: '1' }
    const expected = await ids(reference, query)
    statements.length = 0
    assert.deepEqual(await ids(early, query), expected)
    await store('odd_late', options).migrate()
    assert.deepEqual(await ids(early, query), expected)
    assert.ok(!selects().some((s) => s.text.includes('"f_n"')), 'not ready when first looked at, and not looked at again yet')
    now += 60_000
    statements.length = 0
    assert.deepEqual(await ids(early, query), expected)
    assert.equal(selects().length, 1, 'page and count are one statement')
    assert.equal(selects()[0]!.text.match(/"f_n"/g)?.length, 3, 'its page, its order and its count read the column')
  })

  describe(`over ${USERS.toLocaleString('en')} users`, () => {
    let indexed: PostgresUserStore
    let plain: PostgresUserStore
    const plans = () => plansOf('user_router_users', BIG_INDEXES)

    before(async () => {
      await store('user_router_users').migrate()
      await test.pool.query(
        `INSERT INTO "${test.schema}".user_router_users (nickname, created_at, updated_at, profile)
         SELECT 'nick' || g, $1::bigint + g, $1::bigint + g, jsonb_build_object('tier', g % 100, 'score', g % 1000)
         FROM generate_series(1, $2::integer) AS g`,
        [BASE, USERS],
      )
      statements.length = 0
      indexed = store('user_router_users', BIG_INDEXES, true)
      await indexed.migrate()
      plain = store('user_router_users')
      await test.pool.query(`VACUUM (ANALYZE) "${test.schema}".user_router_users`)
    })

    it('backfills in batches of a bounded size', () => {
      const batches = statements.filter((s) => s.text.includes('WITH batch'))
      assert.equal(batches.length, USERS / BACKFILL_BATCH + 1)
    })

    /** Runs a list, then EXPLAINs each SELECT it sent: the nodes of each plan. */
    async function plansFor(params: Record<string, string>, analyze = false): Promise<PlanNode[][]> {
      statements.length = 0
      await list(indexed, params)
      const sent = selects()
      assert.ok(sent.length > 0)
      return Promise.all(
        sent.map(async ({ text, values }) => {
          const { rows } = await test.pool.query(`EXPLAIN (${analyze ? 'ANALYZE, ' : ''}FORMAT JSON) ${text}`, values)
          return planNodes((rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan)
        }),
      )
    }

    function assertScans(nodes: PlanNode[], index: string | RegExp): void {
      const described = JSON.stringify(nodes)
      assert.ok(!nodes.some((n) => n.type === 'Seq Scan'), described)
      assert.ok(
        nodes.some((n) => /Index/.test(n.type) && n.index !== undefined && (typeof index === 'string' ? n.index === index : index.test(n.index))),
        described,
      )
    }

    it('serves where tier = n, newest first, from the (tier, -created_at) index, and counts it index-only in the same statement', async () => {
      const combination = plans()[2]!.name
      const sent = await plansFor({ where: '{"tier":42}', order_by: '-created_at', return_total_count: '1' }, true)
      assert.equal(sent.length, 1, 'the page and its count are one statement (one round trip)')
      const [plan] = sent
      assertScans(plan!, combination)
      assert.ok(
        plan!.some((n) => n.type === 'Index Only Scan' && n.heapFetches === 0),
        JSON.stringify(plan),
      )
      const params = { where: '{"tier":42}', order_by: '-created_at', return_total_count: '1' }
      const answer = await ids(indexed, params)
      assert.equal(answer.total, USERS / 100)
      assert.deepEqual(answer, await ids(plain, params))
    })

    it('sorts by -score on the score index, and filters score >= n newest first on an index', async () => {
      const [tier, score] = plans()
      assert.equal(plans()[0]!.keys, `"${indexedColumnName('tier')}", id`)
      const [byScore] = await plansFor({ order_by: '-score' })
      assertScans(byScore!, score!.name)
      const [range] = await plansFor({ where: '{"score":{"$gte":990}}', order_by: '-created_at' })
      assertScans(range!, new RegExp(`^(${score!.name}|user_router_users_created_at_idx)$`))
      assert.notEqual(tier!.name, score!.name)
      const lists: Record<string, string>[] = [
        { order_by: '-score', limit: '50' },
        { where: '{"score":{"$gte":990}}', order_by: '-created_at', return_total_count: '1' },
      ]
      for (const params of lists) {
        assert.deepEqual(await ids(indexed, params), await ids(plain, params), JSON.stringify(params))
      }
    })
  })
})
