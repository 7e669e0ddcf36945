/**
 * Indexed custom fields as typed columns of the users table: their names, SQL types, the value each
 * holds (the profile reading of `field-sql.ts`, over a trigger's `NEW.profile` or a row's `profile`)
 * and the indexes over them.
 */
import { createHash } from 'node:crypto'
import type { FieldDef } from '../../src/model/fields.js'
import type { IndexDeclaration, IndexKey } from '../../src/model/indexed-fields.js'
import { NORMALIZED_DATE_PATTERN, profileFieldSql } from './field-sql.js'
import { quote, type TableNames } from './options.js'
import { COLUMNS } from './rows.js'

/** PostgreSQL identifiers are at most 63 bytes. */
const MAX_IDENTIFIER = 63

/**
 * What a ready column was filled with: its field's type and the version of the reading. A column
 * whose readiness row says otherwise is filled again before queries use it.
 */
export function columnDefinition(field: FieldDef): string {
  return `v1 ${field.type}`
}

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}

/**
 * `f_<field name>` (case kept: the name is quoted); a name too long for an identifier keeps its
 * first 50 characters and a hash of the whole name, so two fields never share a column.
 */
export function indexedColumnName(fieldName: string): string {
  const plain = `f_${fieldName}`
  return plain.length <= MAX_IDENTIFIER ? plain : `f_${fieldName.slice(0, 50)}_${shortHash(fieldName, 8)}`
}

/** The column's SQL type, as `format_type` and the collation name report it. */
export interface ColumnType {
  readonly sql: string
  readonly formatted: 'numeric' | 'text' | 'boolean'
  readonly collation: string | null
}

export function columnType(field: FieldDef): ColumnType {
  switch (field.type) {
    case 'integer':
    case 'number':
      return { sql: 'numeric', formatted: 'numeric', collation: null }
    case 'string':
    case 'date':
      return { sql: 'text COLLATE pg_catalog."C"', formatted: 'text', collation: 'C' }
    case 'boolean':
      return { sql: 'boolean', formatted: 'boolean', collation: null }
    default:
      throw new Error(`PostgresUserStore: a ${field.type} field cannot be indexed`)
  }
}

/** A SQL string literal that reads the same whatever `standard_conforming_strings` says. */
export function literal(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

/**
 * A field's value read from the jsonb expression `profile` (custom names are letters, digits and
 * `_`, so the key is a plain literal).
 */
export function columnValueSql(field: FieldDef, profile: string): string {
  const key = literal(field.name)
  return profileFieldSql(field, `(${profile} -> ${key})`, `(${profile} ->> ${key})`, () => literal(NORMALIZED_DATE_PATTERN))
}

/** The body of the trigger function: every indexed column set from `NEW.profile`. */
export function syncFunctionBody(fields: readonly FieldDef[]): string {
  const assignments = fields.map((field) => `  NEW.${quote(indexedColumnName(field.name))} := ${columnValueSql(field, 'NEW.profile')};\n`)
  return `\nBEGIN\n${assignments.join('')}  RETURN NEW;\nEND\n`
}

export interface IndexPlan {
  /** Unquoted: `<prefix>_x_<hash of the definition>`, so a changed definition is a new index. */
  readonly name: string
  /** The key list, `id` last. */
  readonly keys: string
}

function keySql(key: IndexKey): string {
  const column = key.field.column ? COLUMNS[key.field.column].name : quote(indexedColumnName(key.field.name))
  return key.descending ? `${column} DESC` : column
}

/** Every declared index, each ending with `id` ascending (the tie-break of every list order). */
export function indexPlans(names: TableNames, declaration: IndexDeclaration): IndexPlan[] {
  return declaration.indexes.map((keys) => {
    const list = [...keys.map(keySql), ...(keys.some((k) => k.field.column === 'id') ? [] : ['id'])].join(', ')
    // Column types are part of what the index orders by: a type change is a new definition too.
    const types = keys.map((k) => (k.field.column ? k.field.column : columnType(k.field).formatted)).join(',')
    return { name: `${names.prefix}_x_${shortHash(`${names.qualified} (${list}) ${types}`, 12)}`, keys: list }
  })
}
