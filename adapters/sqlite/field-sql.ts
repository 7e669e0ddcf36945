/**
 * SQL for the value of one field on the row aliased `u`, mirroring `fieldValue` of the reference:
 * a built-in is its column (booleans 0/1); a custom field is the typed value inside the `profile`
 * JSON, or NULL when unset or of another type (`readProfileValue`). In queries the JSON path of a
 * custom field is always a bound parameter; an indexed custom field is read from its generated
 * column instead, whose definition is the same expression with the path written as a literal.
 */
import type { FieldDef } from '../../src/model/fields.js'
import { COLUMNS } from './rows.js'
import { DATE_FUNCTION } from './functions.js'
import { raw, sql, type Sql } from './sql.js'

const MAX_SAFE = Number.MAX_SAFE_INTEGER

/** The generated column serving an indexed custom field, or null (see indexed-columns.ts). */
export interface IndexedColumns {
  columnOf(field: FieldDef): string | null
}

export const NO_INDEXED_COLUMNS: IndexedColumns = { columnOf: () => null }

/** Turns a constant of an expression into SQL: a bound parameter, or a literal in DDL. */
type Constant = (value: string | number) => Sql

const bound: Constant = (value) => sql`${value}`
/** Only for constants the adapter itself produces (paths of checked field names, numbers). */
export const literal: Constant = (value) => raw(typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`)

/** The JSON path of a custom field: `$."name"` (schema names are letters, digits and `_`). */
export function profilePath(field: FieldDef): string {
  return `$."${field.name}"`
}

/** The qualified column of a built-in field. */
export function columnSql(field: FieldDef): Sql {
  if (!field.column) throw new Error(`${field.name} is not a built-in field`)
  return raw(`u."${COLUMNS[field.column].name}"`)
}

/** Whether the field's SQL value can be NULL (custom fields always can). */
export function isNullable(field: FieldDef): boolean {
  return field.column === null || COLUMNS[field.column].nullable
}

/** The column holding the field's value (built-in or indexed), or null when it is read from `profile`. */
export function storedColumnSql(field: FieldDef, columns: IndexedColumns): Sql | null {
  if (field.column) return columnSql(field)
  const column = columns.columnOf(field)
  return column === null ? null : raw(`u."${column}"`)
}

/**
 * A scalar field's value: TEXT for strings and dates, INTEGER or REAL for numbers, 0/1 for
 * booleans, NULL when unset. Not for array and object fields (see `jsonSource`).
 */
export function scalarSql(field: FieldDef, columns: IndexedColumns = NO_INDEXED_COLUMNS): Sql {
  return storedColumnSql(field, columns) ?? profileScalarSql(field, raw('u.profile'), bound)
}

/** A custom scalar field read from the JSON `profile` (an SQL expression), its constants made by `constant`. */
export function profileScalarSql(field: FieldDef, profile: Sql, constant: Constant): Sql {
  const path = constant(profilePath(field))
  switch (field.type) {
    case 'string':
      return sql`(CASE WHEN json_type(${profile}, ${path}) = 'text' THEN json_extract(${profile}, ${path}) END)`
    case 'integer':
      // Like Number.isSafeInteger: a larger integer reads as unset.
      return sql`(CASE WHEN json_type(${profile}, ${path}) = 'integer' AND json_extract(${profile}, ${path}) BETWEEN ${constant(-MAX_SAFE)} AND ${constant(MAX_SAFE)} THEN json_extract(${profile}, ${path}) END)`
    case 'number':
      return sql`(CASE WHEN json_type(${profile}, ${path}) IN ('integer', 'real') THEN json_extract(${profile}, ${path}) END)`
    case 'boolean':
      return sql`(CASE json_type(${profile}, ${path}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`
    case 'date':
      // Like readProfileValue: only a date in normal form counts; anything else reads as unset.
      return sql`${raw(DATE_FUNCTION)}(json_extract(${profile}, ${path}))`
    default:
      throw new Error(`${field.name}: ${field.type} fields have no scalar value`)
  }
}

/**
 * An array or object field: `present` is 1 when the stored value has the field's type (else 0,
 * never NULL); `args` are the json_each arguments that iterate its elements or members.
 */
export function jsonSource(field: FieldDef): { present: Sql; args: Sql } {
  if (field.column) {
    // The only built-in JSON field is `_provider`, always an object.
    if (field.type !== 'object') throw new Error(`${field.name}: built-in ${field.type} fields are not supported`)
    const column = columnSql(field)
    return { present: sql`(json_type(${column}) IS 'object')`, args: column }
  }
  const path = profilePath(field)
  const type = field.type === 'array' ? 'array' : 'object'
  return {
    present: sql`(json_type(u.profile, ${path}) IS ${raw(`'${type}'`)})`,
    args: sql`u.profile, ${path}`,
  }
}
