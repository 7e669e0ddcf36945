/**
 * The second part of `migrate()`: indexed custom fields become typed columns, kept by a trigger,
 * filled in batches and indexed without blocking writes. It runs outside any transaction (CREATE
 * INDEX CONCURRENTLY refuses one), under a session-level advisory lock, so only short statements ever
 * hold a lock that blocks the app's writes:
 *
 * 1. ADD/DROP COLUMN and the trigger: one short transaction (ACCESS EXCLUSIVE for milliseconds,
 *    waiting at most `lock_timeout` for it, retried), and only when something changed.
 * 2. Backfill: batches of rows by id, each its own transaction, updating only rows that differ.
 * 3. Readiness: a row per filled column in `<table>_indexed_fields`; queries use a column only then.
 * 4. CREATE INDEX CONCURRENTLY per declared index; an INVALID one (an interrupted build) is rebuilt.
 */
import type pg from 'pg'
import type { IndexDeclaration } from '../../src/model/indexed-fields.js'
import { columnDefinition, columnType, columnValueSql, indexedColumnName, indexPlans, syncFunctionBody } from './indexed-columns.js'
import { quote, type TableNames } from './options.js'

/** First key of the session lock: "UR" + "UI" (user-router indexed fields); the second is the table's hash. */
const LOCK_CLASS = 0x5552_5549
/** Rows per backfill batch: each batch locks these rows for one short UPDATE. */
export const BACKFILL_BATCH = 5000
/** How long the DDL waits for its table lock before letting the app's queries go first and trying again. */
const LOCK_TIMEOUT_MS = 3000
const LOCK_ATTEMPTS = 20
/** Time between tries of the session lock while another process migrates. */
const LOCK_POLL_MS = 200
const MIGRATION_READ_TIMEOUT_MS = 24 * 60 * 60 * 1000

/** What a run did (for tests and logs). */
export interface IndexedFieldsReport {
  readonly addedColumns: readonly string[]
  readonly droppedColumns: readonly string[]
  readonly backfilledRows: number
  readonly builtIndexes: readonly string[]
}

interface DeclaredColumn {
  readonly name: string
  readonly quoted: string
  readonly definition: string
  readonly value: (profile: string) => string
  readonly type: ReturnType<typeof columnType>
}

type Run = (text: string, values?: unknown[]) => Promise<pg.QueryResult>

export async function migrateIndexedFields(client: pg.ClientBase, names: TableNames, declaration: IndexDeclaration): Promise<IndexedFieldsReport> {
  const run: Run = (text, values = []) => client.query({ text, values, query_timeout: MIGRATION_READ_TIMEOUT_MS } as pg.QueryConfig)
  // The session may be an app's pooled connection: its statement timeout is put back afterwards.
  const previousTimeout = (await run(`SELECT current_setting('statement_timeout') AS value`)).rows[0].value as string
  await run(`SELECT set_config('statement_timeout', '0', false)`)
  const lockKey = [LOCK_CLASS, `${names.schema}.${names.table}`]
  // Polled, never waited for inside a statement: CREATE INDEX CONCURRENTLY waits for every open
  // transaction, so a session blocked on this lock would deadlock with the one building an index.
  while (!(await run('SELECT pg_try_advisory_lock($1::integer, hashtext($2::text)) AS locked', lockKey)).rows[0].locked) {
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS))
  }
  try {
    return await migrateLocked(run, names, declaration)
  } finally {
    await run('SELECT pg_advisory_unlock($1::integer, hashtext($2::text))', lockKey)
    await run(`SELECT set_config('statement_timeout', $1::text, false)`, [previousTimeout])
  }
}

async function migrateLocked(run: Run, names: TableNames, declaration: IndexDeclaration): Promise<IndexedFieldsReport> {
  const t = names.qualified
  const declared: DeclaredColumn[] = declaration.fields.map((field) => {
    const name = indexedColumnName(field.name)
    return { name, quoted: quote(name), definition: columnDefinition(field), value: (profile) => columnValueSql(field, profile), type: columnType(field) }
  })
  const existing = await existingColumns(run, t)
  const mismatched = declared.filter((c) => {
    const found = existing.get(c.name)
    return found !== undefined && (found.type !== c.type.formatted || found.collation !== c.type.collation)
  })
  const missing = declared.filter((c) => !existing.has(c.name) || mismatched.includes(c))
  const body = syncFunctionBody(declaration.fields)
  const ready = new Map((await run(`SELECT "column", definition FROM ${names.indexedFields}`)).rows.map((r) => [r.column as string, r.definition as string]))
  // Readiness of anything not declared as it is now goes first: no process trusts those columns any more.
  const keep = declared.filter((c) => ready.get(c.name) === c.definition && !missing.includes(c))
  const stale = [...ready.keys()].filter((column) => !keep.some((c) => c.name === column))
  if (stale.length > 0) await run(`DELETE FROM ${names.indexedFields} WHERE "column" = ANY($1::text[])`, [stale])

  if (missing.length > 0 || mismatched.length > 0 || !(await triggerCurrent(run, names, body, declared.length > 0))) {
    await withLockTimeout(run, async () => {
      for (const c of mismatched) await run(`ALTER TABLE ${t} DROP COLUMN IF EXISTS ${c.quoted}`)
      if (missing.length > 0) await run(`ALTER TABLE ${t} ${missing.map((c) => `ADD COLUMN IF NOT EXISTS ${c.quoted} ${c.type.sql}`).join(', ')}`)
      await run(`DROP TRIGGER IF EXISTS ${quote(names.syncTrigger)} ON ${t}`)
      if (declared.length > 0) {
        await run(`CREATE OR REPLACE FUNCTION ${names.syncFunction}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuote(body)}`)
        await run(`CREATE TRIGGER ${quote(names.syncTrigger)} BEFORE INSERT OR UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${names.syncFunction}()`)
      } else {
        await run(`DROP FUNCTION IF EXISTS ${names.syncFunction}()`)
      }
    })
  }

  const pending = declared.filter((c) => !keep.includes(c))
  const backfilledRows = pending.length > 0 ? await backfill(run, t, pending) : 0
  for (const c of pending) {
    await run(
      `INSERT INTO ${names.indexedFields} ("column", definition, ready_at) VALUES ($1::text, $2::text, now())
       ON CONFLICT ("column") DO UPDATE SET definition = EXCLUDED.definition, ready_at = EXCLUDED.ready_at`,
      [c.name, c.definition],
    )
  }

  const builtIndexes: string[] = []
  const indexes = new Map(
    (await run(`SELECT c.relname, i.indisvalid FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass`, [t])).rows.map(
      (r) => [r.relname as string, r.indisvalid as boolean],
    ),
  )
  for (const plan of indexPlans(names, declaration)) {
    const valid = indexes.get(plan.name)
    if (valid === true) continue
    // An interrupted concurrent build leaves an INVALID index that queries never use: build it again.
    if (valid === false) await run(`DROP INDEX CONCURRENTLY IF EXISTS ${names.schema}.${quote(plan.name)}`)
    await run(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quote(plan.name)} ON ${t} (${plan.keys})`)
    builtIndexes.push(plan.name)
  }
  return { addedColumns: missing.map((c) => c.name), droppedColumns: mismatched.map((c) => c.name), backfilledRows, builtIndexes }
}

/** The table's `f_*` columns: SQL type and collation. */
async function existingColumns(run: Run, table: string): Promise<Map<string, { type: string; collation: string | null }>> {
  const { rows } = await run(
    `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, co.collname AS collation
     FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
     WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname LIKE 'f\\_%'`,
    [table],
  )
  return new Map(rows.map((r) => [r.attname as string, { type: r.type as string, collation: (r.collation as string | null) ?? null }]))
}

/** Whether the trigger exists (when wanted) with exactly this function body, or is absent (when not). */
async function triggerCurrent(run: Run, names: TableNames, body: string, wanted: boolean): Promise<boolean> {
  const { rows } = await run(
    `SELECT p.prosrc FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_proc p ON p.oid = tg.tgfoid
     WHERE tg.tgrelid = $1::regclass AND tg.tgname = $2::text`,
    [names.qualified, names.syncTrigger],
  )
  return wanted ? rows[0]?.prosrc === body : rows.length === 0
}

/** Runs `work` in a transaction that waits at most LOCK_TIMEOUT_MS for a lock, trying again a few times. */
async function withLockTimeout(run: Run, work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await run('BEGIN')
    try {
      await run(`SELECT set_config('lock_timeout', $1::text, true)`, [String(LOCK_TIMEOUT_MS)])
      await work()
      await run('COMMIT')
      return
    } catch (error) {
      await run('ROLLBACK').catch(() => {})
      // 55P03 lock_not_available: a long transaction holds the table; queued writes went first meanwhile.
      if ((error as { code?: unknown }).code !== '55P03' || attempt >= LOCK_ATTEMPTS) throw error
    }
  }
}

/** Fills the columns batch by batch in id order; each batch is one statement (its own transaction). */
async function backfill(run: Run, table: string, columns: readonly DeclaredColumn[]): Promise<number> {
  const set = columns.map((c) => `${c.quoted} = ${c.value('u.profile')}`).join(', ')
  const differs = columns.map((c) => `u.${c.quoted} IS DISTINCT FROM ${c.value('u.profile')}`).join(' OR ')
  const sql = `WITH batch AS (SELECT id FROM ${table} WHERE id > $1::bigint ORDER BY id LIMIT $2::bigint),
    changed AS (UPDATE ${table} AS u SET ${set} FROM batch WHERE u.id = batch.id AND (${differs}) RETURNING 1)
    SELECT (SELECT max(id) FROM batch) AS last, (SELECT count(*) FROM changed) AS changed`
  let last = 0
  let total = 0
  for (;;) {
    const row = (await run(sql, [last, BACKFILL_BATCH])).rows[0]
    if (row.last === null) return total
    last = Number(row.last)
    total += Number(row.changed)
  }
}

function dollarQuote(body: string): string {
  if (body.includes('$fn$')) throw new Error('PostgresUserStore: the trigger body cannot be quoted')
  return `$fn$${body}$fn$`
}
