/**
 * What a declaration of indexed custom fields becomes in SQLite: one VIRTUAL generated column per
 * field, whose expression is the field's reading from `profile` (so it needs no upkeep and adding
 * it rewrites nothing), and one index per declared key list, named from a hash of its definition.
 */
import { createHash } from 'node:crypto'
import type { FieldDef } from '../../src/model/fields.js'
import { indexedField, type IndexDeclaration, type IndexKey } from '../../src/model/indexed-fields.js'
import { isCustomFieldName } from '../../src/model/schema.js'
import { type IndexedColumns, literal, profileScalarSql } from './field-sql.js'
import { COLUMNS } from './rows.js'
import { raw } from './sql.js'

/** A generated column: its name and the expression it is `GENERATED ALWAYS AS`. */
export interface GeneratedColumn {
  readonly name: string
  readonly expression: string
}

/** An index: its name and what follows `ON "table"` in its CREATE INDEX. */
export interface IndexDefinition {
  readonly name: string
  readonly keys: string
}

/** The columns and indexes `migrate()` makes for a declaration. */
export interface IndexPlan {
  readonly columns: readonly GeneratedColumn[]
  readonly indexes: readonly IndexDefinition[]
}

/** The prefix of every generated column's name; no built-in column starts with it. */
export const COLUMN_PREFIX = 'profile.'

/**
 * The generated column of a custom field: `profile.score`. SQLite compares column names ignoring
 * case, so a name with capitals also carries which letters are capitals (`profile.isVip.4`, bit i
 * for letter i): `isVip` and `isvip` get two columns.
 */
export function generatedColumnName(field: string): string {
  if (!isCustomFieldName(field)) throw new Error(`${field}: not a custom field name`)
  let capitals = 0n
  for (let i = 0; i < field.length; i++) if (/[A-Z]/.test(field[i]!)) capitals |= 1n << BigInt(i)
  return capitals === 0n ? `${COLUMN_PREFIX}${field}` : `${COLUMN_PREFIX}${field}.${capitals.toString(16)}`
}

/** The indexed columns a query may read instead of `profile`: same name, same type (`indexedField`). */
export function indexedColumns(declaration: IndexDeclaration): IndexedColumns {
  return {
    columnOf: (field) => {
      const indexed = indexedField(declaration, field)
      return indexed ? generatedColumnName(indexed.name) : null
    },
  }
}

/** The expression of a field's generated column: its reading from `profile`, constants written out. */
function generatedExpression(field: FieldDef): string {
  const expression = profileScalarSql(field, raw('profile'), literal)
  if (expression.params.length > 0) throw new Error(`${field.name}: a generated column cannot take parameters`)
  return expression.text
}

/** The columns and indexes of a declaration on `table` (index names start with `<table>_idx_`). */
export function indexPlan(table: string, declaration: IndexDeclaration): IndexPlan {
  const columns = declaration.fields.map((field) => ({ name: generatedColumnName(field.name), expression: generatedExpression(field) }))
  const expressions = new Map(columns.map((c) => [c.name, c.expression]))
  const indexes = declaration.indexes.map((keys) => {
    const { text, columnNames } = indexKeys(keys)
    // A changed column expression changes the name too, so its old indexes go before the column does.
    const definition = [text, ...columnNames.map((c) => expressions.get(c) ?? '')].join('\n')
    const hash = createHash('sha256').update(definition).digest('hex').slice(0, 16)
    return { name: `${indexNamePrefix(table)}${hash}`, keys: text }
  })
  return { columns, indexes }
}

/** Every index this adapter derives from a declaration is named `<table>_idx_<16 hex digits>`. */
export function indexNamePrefix(table: string): string {
  return `${table}_idx_`
}

/**
 * The key list of an index, as the compiled queries read it: a nullable column is keyed
 * `(column IS NULL), column`, so unset values sort last ascending and first descending; `id` ends
 * every index, as it ends every sort.
 */
function indexKeys(keys: readonly IndexKey[]): { text: string; columnNames: string[] } {
  const terms: string[] = []
  const columnNames: string[] = []
  for (const { field, descending } of keys) {
    const direction = descending ? 'DESC' : 'ASC'
    const builtin = field.column ? COLUMNS[field.column] : null
    const name = builtin ? builtin.name : generatedColumnName(field.name)
    if (!builtin) columnNames.push(name)
    if (!builtin || builtin.nullable) terms.push(`("${name}" IS NULL) ${direction}`)
    terms.push(`"${name}" ${direction}`)
  }
  if (!keys.some((k) => k.field.column === 'id')) terms.push('"id" ASC')
  return { text: `(${terms.join(', ')})`, columnNames }
}
