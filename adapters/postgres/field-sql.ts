/**
 * The SQL value of a field, as filters, sorts and updates read it: a built-in column, or a custom
 * value extracted from `profile` with the checks of `readProfileValue` (a stored value of another
 * JSON type reads as NULL).
 */
import type { FieldDef } from '../../src/model/fields.js'
import type { Params } from './params.js'
import { COLUMNS } from './rows.js'

/** How a field's value is compared: the type its operands are cast to. */
export type ValueType = 'text' | 'bigint' | 'numeric' | 'boolean' | 'jsonb'

export interface FieldSql {
  /** An expression over the current row, NULL when the field is unset. */
  readonly sql: string
  readonly type: ValueType
}

/** The largest integer `Number.isSafeInteger` accepts. */
const MAX_SAFE = '9007199254740991'

/**
 * A string `normalizeDate` returns unchanged: `YYYY-MM-DDTHH:mm:ss.sssZ`, year 0001-9999, a real
 * calendar day (29 February in leap years only), hours 00-23. JavaScript would roll `02-30` or
 * `24:00` over to another day, so those read as unset here rather than as a different date.
 */
export const NORMALIZED_DATE_PATTERN =
  '^(?!0000)(?:[0-9]{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)' +
  '|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)' +
  'T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\\.[0-9]{3}Z$'

/** Code-point order for every string comparison and sort (text columns are declared `COLLATE "C"` too). */
export const BYTE_ORDER = 'COLLATE pg_catalog."C"'

/** The comparison type of a field, known without binding anything. */
export function valueType(field: FieldDef): ValueType {
  if (field.column) {
    const type = COLUMNS[field.column].type
    return type === 'smallint' ? 'bigint' : type
  }
  switch (field.type) {
    case 'string':
    case 'date':
      return 'text'
    case 'integer':
    case 'number':
      return 'numeric'
    case 'boolean':
      return 'boolean'
    case 'array':
    case 'object':
      return 'jsonb'
  }
}

/**
 * The column an indexed custom field is read from, or null to read it from `profile`: a column holds
 * exactly what `profileFieldSql` gives, so either reading gives the same results.
 */
export type ColumnOf = (field: FieldDef) => string | null

export function fieldSql(field: FieldDef, params: Params, columnOf?: ColumnOf): FieldSql {
  if (field.column) return { sql: COLUMNS[field.column].name, type: valueType(field) }
  const column = columnOf?.(field) ?? null
  if (column !== null) return { sql: column, type: valueType(field) }
  const key = params.text(field.name)
  return { sql: profileFieldSql(field, `(profile -> ${key})`, `(profile ->> ${key})`, () => params.text(NORMALIZED_DATE_PATTERN)), type: valueType(field) }
}

/**
 * A custom field's value read from a profile: `raw` is its jsonb value, `text` the same as text, and
 * `datePattern` gives the SQL of `NORMALIZED_DATE_PATTERN` (a parameter in queries, a literal in the
 * trigger that fills indexed columns, so both compute the very same value).
 */
export function profileFieldSql(field: FieldDef, raw: string, text: string, datePattern: () => string): string {
  const isType = (json: string) => `jsonb_typeof(${raw}) = '${json}'`
  switch (field.type) {
    case 'string':
      return `((CASE WHEN ${isType('string')} THEN ${text} END) ${BYTE_ORDER})`
    case 'date':
      return `((CASE WHEN ${isType('string')} AND ${text} ~ ${datePattern()} THEN ${text} END) ${BYTE_ORDER})`
    case 'integer':
      return `(CASE WHEN ${integral(raw)} THEN ${raw}::numeric END)`
    case 'number':
      return `(CASE WHEN ${isType('number')} THEN ${raw}::numeric END)`
    case 'boolean':
      return `(CASE WHEN ${isType('boolean')} THEN ${raw}::boolean END)`
    case 'array':
      return `(CASE WHEN ${isType('array')} THEN ${raw} END)`
    case 'object':
      return `(CASE WHEN ${isType('object')} THEN ${raw} END)`
  }
}

/** Whether a jsonb value is a number that `Number.isSafeInteger` accepts (CASE keeps the casts safe). */
function integral(raw: string): string {
  return `(CASE WHEN jsonb_typeof(${raw}) = 'number' THEN ${raw}::numeric = trunc(${raw}::numeric) AND abs(${raw}::numeric) <= ${MAX_SAFE} ELSE false END)`
}

/** A custom number or integer as the base of an increment: float8 (JavaScript's arithmetic) or bigint. */
export function numericBase(field: FieldDef, params: Params): string {
  const raw = `(profile -> ${params.text(field.name)})`
  return field.type === 'integer' ? `(CASE WHEN ${integral(raw)} THEN ${raw}::numeric::bigint END)` : `(CASE WHEN jsonb_typeof(${raw}) = 'number' THEN ${raw}::float8 END)`
}
