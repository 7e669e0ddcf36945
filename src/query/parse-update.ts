/**
 * Parses a MinApp profile update body (`{field: value, n: {$incr_by: 1}, $unset: {f: ""}}`) into
 * typed operations, checked against the schema: only writable fields, values of the right type.
 */
import { fieldError } from '../errors.js'
import type { FieldDef } from '../model/fields.js'
import type { UserSchema } from '../model/schema.js'
import { checkArrayItem, checkFieldValue, checkJsonObject, checkStoredArrayItem, isPlainObject, type Scalar } from '../model/values.js'
import type { UpdateOperation } from './update.js'

export const UPDATE_OPERATORS = ['$incr_by', '$append', '$append_unique', '$remove', '$update', '$pop'] as const
export const MAX_UPDATE_FIELDS = 100
export const MAX_UPDATE_VALUES = 1000

const bad = (label: string, problem: string) => fieldError('invalid_update', label, problem)

/** Parses an update body into one operation per field. An empty body is no operation at all. */
export function parseProfileUpdate(body: unknown, schema: UserSchema): UpdateOperation[] {
  if (!isPlainObject(body)) throw bad('body', 'must be a JSON object')
  const operations: UpdateOperation[] = []
  const seen = new Set<string>()
  const add = (operation: UpdateOperation, label: string) => {
    const key = operation.field.column ?? operation.field.name
    if (seen.has(key)) throw bad(label, 'is changed twice in one update')
    seen.add(key)
    operations.push(operation)
  }
  for (const [name, value] of Object.entries(body)) {
    if (name === '$unset') {
      if (!isPlainObject(value)) throw bad('$unset', 'must be an object of field names')
      for (const unsetName of Object.keys(value)) {
        add({ kind: 'unset', field: writableField(unsetName, schema, `$unset.${unsetName}`) }, `$unset.${unsetName}`)
      }
    } else {
      add(parseFieldUpdate(writableField(name, schema, name), value, name), name)
    }
  }
  if (operations.length > MAX_UPDATE_FIELDS) throw bad('body', `must change at most ${MAX_UPDATE_FIELDS} fields`)
  return operations
}

function writableField(name: string, schema: UserSchema, label: string): FieldDef {
  const field = schema.fields.get(name)
  if (!field) throw bad(label, `unknown field "${name}"`)
  if (!field.writable) throw bad(label, `field "${name}" is read-only`)
  return field
}

function parseFieldUpdate(field: FieldDef, value: unknown, label: string): UpdateOperation {
  const keys = isPlainObject(value) ? Object.keys(value) : []
  const operator = keys.length === 1 && keys[0]!.startsWith('$') ? keys[0]! : null
  if (operator === null) return { kind: 'set', field, value: checkFieldValue(field, value, label, 'invalid_update') }
  const operand = (value as Record<string, unknown>)[operator]
  const at = `${label}.${operator}`
  const requireType = (types: FieldDef['type'][]) => {
    if (!types.includes(field.type)) throw bad(at, `applies to ${types.join(' and ')} fields only; "${field.name}" is of type ${field.type}`)
  }
  switch (operator) {
    case '$incr_by':
      requireType(['integer', 'number'])
      if (field.allowed) throw bad(at, `cannot increment "${field.name}", whose values are restricted to ${field.allowed.join(', ')}`)
      if (typeof operand !== 'number' || !Number.isFinite(operand) || (field.type === 'integer' && !Number.isSafeInteger(operand))) {
        throw bad(at, field.type === 'integer' ? 'must be an integer' : 'must be a number')
      }
      return { kind: 'incr', field, by: operand }
    case '$append':
    case '$append_unique':
    case '$remove': {
      requireType(['array'])
      const list = Array.isArray(operand) ? operand : [operand]
      if (list.length === 0 || list.length > MAX_UPDATE_VALUES) throw bad(at, `must be 1 to ${MAX_UPDATE_VALUES} values`)
      // `$remove` values are never stored, so only appends are held to the item length.
      const check = operator === '$remove' ? checkArrayItem : checkStoredArrayItem
      let values: Scalar[] = list.map((item, i) => check(field, item, `${at}[${i}]`, 'invalid_update'))
      if (operator === '$append_unique') values = values.filter((v, i) => values.indexOf(v) === i)
      const kind = operator === '$append' ? 'append' : operator === '$append_unique' ? 'append_unique' : 'remove'
      return { kind, field, values }
    }
    case '$update':
      requireType(['object'])
      return { kind: 'patch', field, value: checkJsonObject(operand, at, 'invalid_update') }
    case '$pop':
      requireType(['array'])
      if (operand !== 1 && operand !== -1) throw bad(at, 'must be 1 (last element) or -1 (first element)')
      return { kind: 'pop', field, end: operand === 1 ? 'last' : 'first' }
    default:
      if (field.type === 'object') return { kind: 'set', field, value: checkFieldValue(field, value, label, 'invalid_update') }
      throw bad(at, `unknown operator (allowed: ${UPDATE_OPERATORS.join(' ')})`)
  }
}
