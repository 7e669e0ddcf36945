/**
 * Brings a users table's generated columns and derived indexes to a declaration, inside the
 * caller's transaction. Only what differs is touched, so running it again changes nothing:
 * - indexes named `<table>_idx_*` that the declaration no longer has are dropped;
 * - a generated column no longer declared, or whose expression changed (its type did), is dropped
 *   after the indexes that read it, and added again; a VIRTUAL column holds no data, so neither
 *   adding nor dropping one rewrites the table;
 * - missing indexes are built, which reads every row (and blocks other writers meanwhile).
 * A column's current expression is read from the table's definition, where SQLite keeps the text
 * of each ADD COLUMN.
 */
import type Database from 'better-sqlite3'
import { COLUMN_PREFIX, type GeneratedColumn, indexNamePrefix, type IndexPlan } from './indexed-columns.js'

interface SchemaRow {
  name: string
  sql: string | null
}

interface ColumnInfo {
  name: string
  /** 2 for a VIRTUAL generated column, 3 for a STORED one. */
  hidden: number
}

export function syncIndexedColumns(db: Database.Database, table: string, plan: IndexPlan): void {
  const t = `"${table}"`
  const prefix = indexNamePrefix(table)
  const ours = (db.prepare('SELECT name, sql FROM sqlite_schema WHERE type = ? AND tbl_name = ?').all('index', table) as SchemaRow[]).filter(
    (row) => row.name.startsWith(prefix) && /^[0-9a-f]{16}$/.test(row.name.slice(prefix.length)),
  )
  const wanted = new Set(plan.indexes.map((i) => i.name))
  const dropIndex = (row: SchemaRow) => db.exec(`DROP INDEX IF EXISTS "${row.name}"`)
  for (const row of ours) if (!wanted.has(row.name)) dropIndex(row)

  const tableSql = (db.prepare('SELECT sql FROM sqlite_schema WHERE type = ? AND name = ?').get('table', table) as SchemaRow).sql ?? ''
  const declared = new Map(plan.columns.map((c) => [c.name, c]))
  const present = new Set<string>()
  for (const column of db.pragma(`table_xinfo(${t})`) as ColumnInfo[]) {
    if (column.hidden < 2 || !column.name.startsWith(COLUMN_PREFIX)) continue
    const want = declared.get(column.name)
    if (want && tableSql.includes(columnDefinition(want))) {
      present.add(column.name)
      continue
    }
    // Any index still reading the column would make DROP COLUMN fail.
    for (const row of ours) if (row.sql?.includes(`"${column.name}"`)) dropIndex(row)
    db.exec(`ALTER TABLE ${t} DROP COLUMN "${column.name}"`)
  }
  for (const column of plan.columns) if (!present.has(column.name)) db.exec(`ALTER TABLE ${t} ADD COLUMN ${columnDefinition(column)}`)
  for (const index of plan.indexes) db.exec(`CREATE INDEX IF NOT EXISTS "${index.name}" ON ${t} ${index.keys}`)
}

/** The column's definition, as ADD COLUMN writes it and the table's stored definition then holds it. */
function columnDefinition(column: GeneratedColumn): string {
  return `"${column.name}" GENERATED ALWAYS AS (${column.expression}) VIRTUAL`
}
