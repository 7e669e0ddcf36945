/**
 * Value rules shared by queries, updates and stores: what a value of each field type may be, how
 * dates are normalised, and how strings compare (by Unicode code point, as PostgreSQL's "C"
 * collation and SQLite's BINARY collation do).
 */
import { fieldError, type ErrorCode } from '../errors.js'
import type { ArrayItemType, FieldDef, FieldType } from './fields.js'
import type { JsonObject, JsonValue } from './user.js'

export type Scalar = string | number | boolean
type InvalidCode = Extract<ErrorCode, 'invalid_query' | 'invalid_update'>

/** Limits on free-form JSON (objects, `_provider`): keeps every stored document small and shallow. */
export const MAX_JSON_DEPTH = 8
export const MAX_JSON_BYTES = 8192

/** Why a string cannot be stored (PostgreSQL rejects NUL and lone surrogates), or null if it can. */
export function stringProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL characters'
  if (!value.isWellFormed()) return 'must be valid Unicode text'
  return null
}

/** Number of code points, the unit of `maxLength`. */
export function codePointLength(value: string): number {
  let n = 0
  for (const _ of value) n++
  return n
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

/** An ISO 8601 date or date-time, normalised to `YYYY-MM-DDTHH:mm:ss.sssZ`, or null if invalid. */
export function normalizeDate(value: unknown): string | null {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return null
  const time = Date.parse(value)
  if (Number.isNaN(time)) return null
  const iso = new Date(time).toISOString()
  // Only years 0001..9999 keep the fixed-width form that sorts correctly as text.
  return /^\d{4}-/.test(iso) && !iso.startsWith('0000') ? iso : null
}

function typeName(type: FieldType | ArrayItemType): string {
  return type === 'integer' ? 'an integer' : type === 'array' || type === 'object' ? `an ${type}` : `a ${type}`
}

/**
 * Checks one scalar of a field's type (or an array's element type) and returns it normalised.
 * `label` names the value in the error (`where.score`, `tags[2]`).
 */
export function checkScalar(type: FieldType | ArrayItemType, value: unknown, label: string, code: InvalidCode, field?: FieldDef): Scalar {
  switch (type) {
    case 'string': {
      if (typeof value !== 'string') throw fieldError(code, label, 'must be a string')
      const problem = stringProblem(value)
      if (problem) throw fieldError(code, label, problem)
      return value
    }
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw fieldError(code, label, 'must be an integer')
      if (field?.allowed && !field.allowed.includes(value)) {
        throw fieldError(code, label, `must be one of ${field.allowed.join(', ')}`)
      }
      return value
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw fieldError(code, label, 'must be a number')
      return value
    case 'boolean':
      if (typeof value !== 'boolean') throw fieldError(code, label, 'must be a boolean')
      return value
    case 'date': {
      const date = normalizeDate(value)
      if (date === null) throw fieldError(code, label, 'must be an ISO 8601 date (years 0001-9999)')
      return date
    }
    default:
      throw fieldError(code, label, `${typeName(type)} cannot be compared as a single value`)
  }
}

/** Checks an array element: the declared item type, or any string, number or boolean. */
export function checkArrayItem(field: FieldDef, value: unknown, label: string, code: InvalidCode): Scalar {
  if (field.items) return checkScalar(field.items, value, label, code)
  if (typeof value === 'string') return checkScalar('string', value, label, code)
  if (typeof value === 'number') return checkScalar('number', value, label, code)
  if (typeof value === 'boolean') return value
  throw fieldError(code, label, 'array items must be strings, numbers or booleans')
}

/**
 * Checks an array element about to be stored: `checkArrayItem`, and a string element at most
 * `itemMaxLength` code points. (Query values are not held to it: a longer one simply matches nothing.)
 */
export function checkStoredArrayItem(field: FieldDef, value: unknown, label: string, code: InvalidCode): Scalar {
  const item = checkArrayItem(field, value, label, code)
  if (typeof item === 'string' && field.itemMaxLength !== undefined && codePointLength(item) > field.itemMaxLength) {
    throw fieldError(code, label, `must be at most ${field.itemMaxLength} characters`)
  }
  return item
}

/** Checks free-form JSON (object fields, `_provider`): clean strings, finite numbers, bounded depth and size. */
export function checkJsonObject(value: unknown, label: string, code: InvalidCode): JsonObject {
  if (!isPlainObject(value)) throw fieldError(code, label, 'must be an object')
  checkJson(value, label, code, 0)
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_JSON_BYTES) {
    throw fieldError(code, label, `must be at most ${MAX_JSON_BYTES} bytes as JSON`)
  }
  return value as JsonObject
}

function checkJson(value: unknown, label: string, code: InvalidCode, depth: number): void {
  if (depth > MAX_JSON_DEPTH) throw fieldError(code, label, `must be nested at most ${MAX_JSON_DEPTH} levels deep`)
  if (value === null || typeof value === 'boolean') return
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw fieldError(code, label, 'must contain finite numbers only')
    return
  }
  if (typeof value === 'string') {
    const problem = stringProblem(value)
    if (problem) throw fieldError(code, label, problem)
    return
  }
  if (Array.isArray(value)) {
    for (const item of value) checkJson(item, label, code, depth + 1)
    return
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const problem = stringProblem(key)
      if (problem) throw fieldError(code, label, `keys ${problem}`)
      checkJson(item, label, code, depth + 1)
    }
    return
  }
  throw fieldError(code, label, 'must be JSON')
}

/**
 * Checks a whole value for a field (a plain set). Null is allowed for nullable fields. Returns the
 * normalised value (dates normalised, arrays checked item by item).
 */
export function checkFieldValue(field: FieldDef, value: unknown, label: string, code: InvalidCode): JsonValue {
  if (value === null) {
    if (field.nullable) return null
    throw fieldError(code, label, 'cannot be null')
  }
  if (field.type === 'array') {
    if (!Array.isArray(value)) throw fieldError(code, label, 'must be an array')
    const max = field.maxLength
    if (max !== undefined && value.length > max) throw fieldError(code, label, `must have at most ${max} items`)
    return value.map((item, i) => checkStoredArrayItem(field, item, `${label}[${i}]`, code))
  }
  if (field.type === 'object') return checkJsonObject(value, label, code)
  const scalar = checkScalar(field.type, value, label, code, field)
  if (typeof scalar === 'string' && field.maxLength !== undefined && codePointLength(scalar) > field.maxLength) {
    throw fieldError(code, label, `must be at most ${field.maxLength} characters`)
  }
  return scalar
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * A stored custom value as its field's type, or null when unset or of another type (a field whose
 * type was changed reads as unset instead of failing; a date must be in normal form). Every store
 * applies this same rule.
 */
export function readProfileValue(field: FieldDef, raw: JsonValue | undefined): JsonValue {
  if (raw === undefined || raw === null) return null
  switch (field.type) {
    case 'string':
      return typeof raw === 'string' ? raw : null
    case 'integer':
      return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : null
    case 'number':
      return typeof raw === 'number' ? raw : null
    case 'boolean':
      return typeof raw === 'boolean' ? raw : null
    case 'date':
      // Only the normal form counts: every store can check it without date arithmetic of its own.
      return typeof raw === 'string' && normalizeDate(raw) === raw ? raw : null
    case 'array':
      return Array.isArray(raw) ? raw : null
    case 'object':
      return isPlainObject(raw) ? raw : null
  }
}

/** Orders strings by code point, matching UTF-8 byte order (PostgreSQL "C", SQLite BINARY). */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    // UTF-16 puts surrogates (supplementary planes) below U+E000..U+FFFF; code point order does not.
    if (x >= 0xd800) x += x < 0xe000 ? 0x2000 : -0x800
    if (y >= 0xd800) y += y < 0xe000 ? 0x2000 : -0x800
    return x < y ? -1 : 1
  }
  return a.length - b.length
}
