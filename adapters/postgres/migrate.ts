/**
 * The users table, the identities table and their indexes. `migrate()` is explicit and idempotent:
 * every statement is `IF NOT EXISTS` (a database made by an earlier version gains the identities
 * table, and its users table the columns added since, at its next migration), and the whole run holds a transaction-scoped advisory lock on the
 * table's name, so two processes migrating at once simply take turns.
 */
import type pg from 'pg'
import { BYTE_ORDER } from './field-sql.js'
import { quote, type TableNames } from './options.js'

/** First key of the advisory lock: "UR" + "UT" (user-router users table); the second is the table's hash. */
const LOCK_CLASS = 0x5552_5554

/**
 * The DDL, in order. `caseCollation` is the collation whose `lower()` defines case-insensitive
 * uniqueness of usernames and e-mails; lookups use the same expression, so they use the index.
 */
export function migrationStatements(names: TableNames, caseCollation: string): string[] {
  const t = names.qualified
  const text = `text ${BYTE_ORDER}`
  const i = names.indexes
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      username ${text},
      email ${text},
      email_verified boolean NOT NULL DEFAULT false,
      phone ${text},
      phone_verified boolean NOT NULL DEFAULT false,
      provider jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(provider) = 'object'),
      avatar ${text} NOT NULL DEFAULT '',
      nickname ${text} NOT NULL DEFAULT '',
      gender smallint NOT NULL DEFAULT 0,
      country ${text} NOT NULL DEFAULT '',
      province ${text} NOT NULL DEFAULT '',
      city ${text} NOT NULL DEFAULT '',
      language ${text} NOT NULL DEFAULT '',
      is_authorized boolean NOT NULL DEFAULT false,
      anonymous boolean NOT NULL DEFAULT false,
      suspended boolean NOT NULL DEFAULT false,
      never_linked boolean NOT NULL DEFAULT true,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      password_hash ${text},
      profile jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(profile) = 'object')
    )`,
    `CREATE UNIQUE INDEX IF NOT EXISTS "${i.username}" ON ${t} (lower(username COLLATE ${caseCollation}))`,
    `CREATE UNIQUE INDEX IF NOT EXISTS "${i.email}" ON ${t} (lower(email COLLATE ${caseCollation}))`,
    `CREATE UNIQUE INDEX IF NOT EXISTS "${i.phone}" ON ${t} (phone)`,
    `CREATE INDEX IF NOT EXISTS "${i.createdAt}" ON ${t} (created_at, id)`,
    `CREATE INDEX IF NOT EXISTS "${i.updatedAt}" ON ${t} (updated_at, id)`,
    `CREATE INDEX IF NOT EXISTS "${i.nickname}" ON ${t} (nickname, id)`,
    `CREATE INDEX IF NOT EXISTS "${i.genderCreatedAt}" ON ${t} (gender, created_at, id)`,
    // Third-party identities: (provider, subject) belongs to one user; looked up by user and by unionid.
    `CREATE TABLE IF NOT EXISTS ${names.identities} (
      user_id bigint NOT NULL REFERENCES ${t} (id) ON DELETE CASCADE,
      provider ${text} NOT NULL,
      subject ${text} NOT NULL,
      union_id ${text},
      linked_at bigint NOT NULL,
      CONSTRAINT "${i.identity}" UNIQUE (provider, subject)
    )`,
    `CREATE INDEX IF NOT EXISTS "${i.identityUser}" ON ${names.identities} (user_id)`,
    `CREATE INDEX IF NOT EXISTS "${i.identityUnionId}" ON ${names.identities} (union_id, user_id)`,
    // Which indexed-field columns are filled (see migrate-indexed-fields.ts): queries use only these.
    `CREATE TABLE IF NOT EXISTS ${names.indexedFields} (
      "column" text PRIMARY KEY,
      definition text NOT NULL,
      ready_at timestamptz NOT NULL DEFAULT now()
    )`,
  ]
}

/**
 * Columns added after the first release: a table made before them gains them (constant defaults:
 * no table rewrite). `rowsBefore` is what the users already there hold when it differs from the
 * default of new rows.
 */
const LATER_COLUMNS: Readonly<Record<string, { type: string; newRows: string; rowsBefore?: string }>> = {
  suspended: { type: 'boolean NOT NULL', newRows: 'false' },
  // Users from before the column may have identities: they are not known to be without.
  never_linked: { type: 'boolean NOT NULL', newRows: 'true', rowsBefore: 'false' },
}

type Run = (text: string, values?: unknown[]) => Promise<pg.QueryResult>

/**
 * Adds to the users table the columns it was made without. ALTER TABLE locks the table against every
 * reader even when IF NOT EXISTS finds the column, so the catalog is asked first: the migration at
 * each start holds up no one. (The advisory lock keeps other migrations out in between.)
 */
async function addMissingColumns(run: Run, names: TableNames): Promise<void> {
  const { rows } = await run('SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped', [names.qualified])
  const present = new Set(rows.map((row: { attname: string }) => row.attname))
  for (const [column, { type, newRows, rowsBefore = newRows }] of Object.entries(LATER_COLUMNS)) {
    if (present.has(column)) continue
    await run(`ALTER TABLE ${names.qualified} ADD COLUMN ${column} ${type} DEFAULT ${rowsBefore}`)
    if (rowsBefore !== newRows) await run(`ALTER TABLE ${names.qualified} ALTER COLUMN ${column} SET DEFAULT ${newRows}`)
  }
}

/**
 * `never_linked` is true for a user who never had an identity, so that reads skip the identities
 * lookup for most users. A trigger on the identities table clears it whoever writes the identity (an
 * earlier version of this store during a rolling deploy too). It is never set again: an unlink races
 * with a link, and a user marked as linked only costs the lookup. Created when missing, the catalog
 * asked first like the columns.
 */
async function addLinkTrigger(run: Run, names: TableNames): Promise<void> {
  const { rows } = await run('SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = $1::regclass AND tgname = $2::text', [names.identities, names.linkTrigger])
  if (rows.length > 0) return
  await run(`CREATE OR REPLACE FUNCTION ${names.linkFunction}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  UPDATE ${names.qualified} SET never_linked = false WHERE id = NEW.user_id AND never_linked;
  RETURN NULL;
END
$body$`)
  await run(`CREATE TRIGGER ${quote(names.linkTrigger)} AFTER INSERT OR UPDATE OF user_id ON ${names.identities} FOR EACH ROW EXECUTE FUNCTION ${names.linkFunction}()`)
}

/**
 * Building an index on a large existing table, or waiting for another process's migration, may take
 * far longer than a request should: migrations lift the statement timeout and the client's read
 * timeout (pg reads a per-query 0 as "use the pool's", hence a day).
 */
const MIGRATION_READ_TIMEOUT_MS = 24 * 60 * 60 * 1000

/** ICU's root collation: `lower()` with the full Unicode mappings of JavaScript's toLowerCase. */
export const ICU_ROOT = 'pg_catalog."und-x-icu"'
export const DATABASE_DEFAULT = 'pg_catalog."default"'
/** Whether the server has ICU (one row, column `icu`). */
export const DETECT_ICU = `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_collation WHERE collname = 'und-x-icu' AND collnamespace = 'pg_catalog'::regnamespace) AS icu`

/**
 * Runs the migration on one client, in one transaction, under the advisory lock. Returns the case
 * collation it used (ICU's root when the server has it).
 */
export async function runMigration(client: pg.ClientBase, names: TableNames): Promise<string> {
  const run: Run = (text, values = []) => client.query({ text, values, query_timeout: MIGRATION_READ_TIMEOUT_MS } as pg.QueryConfig)
  await run('BEGIN')
  try {
    await run(`SELECT set_config('statement_timeout', '0', true)`)
    const caseCollation = (await run(DETECT_ICU)).rows[0]?.icu === true ? ICU_ROOT : DATABASE_DEFAULT
    await run('SELECT pg_advisory_xact_lock($1::integer, hashtext($2::text))', [LOCK_CLASS, `${names.schema}.${names.table}`])
    const { rows } = await run('SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1::text', [names.schema.slice(1, -1)])
    // Only when missing: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the database.
    if (rows.length === 0) await run(`CREATE SCHEMA IF NOT EXISTS ${names.schema}`)
    for (const statement of migrationStatements(names, caseCollation)) await run(statement)
    await addMissingColumns(run, names)
    await addLinkTrigger(run, names)
    await run('COMMIT')
    return caseCollation
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  }
}
