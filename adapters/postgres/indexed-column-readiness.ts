/**
 * Which indexed fields a store reads from their columns: those whose readiness row (written by a
 * migration once the column is filled) matches the declaration. Looked up at the first list, again
 * at most once a minute (a process started before another one's migration finished picks the
 * columns up), and right after the store's own migration. Until then fields are read from `profile`.
 */
import type { FieldDef } from '../../src/model/fields.js'
import { indexedField } from '../../src/model/indexed-fields.js'
import type { Database } from './database.js'
import type { ColumnOf } from './field-sql.js'
import { columnDefinition, indexedColumnName } from './indexed-columns.js'
import { quote, type PostgresConfig } from './options.js'

/** How long a readiness look-up is trusted, in milliseconds. */
export const READINESS_TTL_MS = 60_000

export class IndexedColumns {
  private current: { readonly at: number; readonly columnOf: Promise<ColumnOf | null> } | null = null

  constructor(
    private readonly db: Database,
    private readonly config: PostgresConfig,
  ) {}

  /** Where lists read indexed fields from now; null when no column is ready. */
  columnOf(): Promise<ColumnOf | null> {
    if (this.config.indexed.fields.length === 0) return Promise.resolve(null)
    const now = this.config.now()
    if (this.current === null || now - this.current.at >= READINESS_TTL_MS) {
      const columnOf = this.lookUp()
      const entry = { at: now, columnOf }
      this.current = entry
      // A failed look-up is tried again at the next list.
      columnOf.catch(() => {
        if (this.current === entry) this.current = null
      })
    }
    return this.current.columnOf
  }

  /** Looks again at the next list. */
  forget(): void {
    this.current = null
  }

  private async lookUp(): Promise<ColumnOf | null> {
    let rows: Record<string, unknown>[]
    try {
      rows = await this.db.query(`SELECT "column", definition FROM ${this.config.names.indexedFields}`)
    } catch (error) {
      // 42P01: a table migrated by an earlier version has no readiness table, so nothing is ready.
      if ((error as { code?: unknown }).code === '42P01') return null
      throw error
    }
    const ready = new Map(rows.map((r) => [r.column as string, r.definition as string]))
    const columns = new Map<string, string>()
    for (const field of this.config.indexed.fields) {
      const column = indexedColumnName(field.name)
      if (ready.get(column) === columnDefinition(field)) columns.set(field.name, quote(column))
    }
    if (columns.size === 0) return null
    const { indexed } = this.config
    // Only a field of the declared name and type: one the caller declares otherwise reads the profile.
    return (field: FieldDef) => (indexedField(indexed, field) ? (columns.get(field.name) ?? null) : null)
  }
}
