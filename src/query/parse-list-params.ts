/**
 * Parses the query-string parameters of a list route: `where`, `field__op=value` filters,
 * `order_by`, `limit`, `offset`, `return_total_count` and `keys`.
 */
import { fieldError } from '../errors.js'
import type { FieldDef } from '../model/fields.js'
import { isSortable } from '../model/schema.js'
import type { Filter, SortKey, UserQuery } from './filter.js'
import { buildCondition, parseWhere, resolveField, WHERE_LIMITS, WHERE_OPERATORS, type QueryContext, type WhereOperator } from './parse-where.js'

export const DEFAULT_LIMIT = 20
export const MAX_LIMIT = 1000
export const MAX_SORT_KEYS = 5

/** Which fields a response should carry (`keys=a,b` or `keys=-a,-b`). */
export interface FieldSelection {
  readonly mode: 'include' | 'exclude'
  readonly fields: readonly FieldDef[]
}

export interface ListParamsOptions {
  /** Fields that cannot be sorted on here (the admin list refuses five, as the admin API does). */
  readonly unsortable?: readonly string[]
  /** Parameters the route handles itself, ignored here. */
  readonly reserved?: readonly string[]
}

export interface ParsedList {
  readonly query: UserQuery
  readonly select: FieldSelection | null
}

const LIST_PARAMS = new Set(['where', 'order_by', 'limit', 'offset', 'return_total_count', 'keys'])
const bad = (label: string, problem: string) => fieldError('invalid_query', label, problem)

/** Parses `req.query`-like parameters. Every problem is an `invalid_query` error naming the parameter. */
export function parseListParams(params: Record<string, unknown>, context: QueryContext, options: ListParamsOptions = {}): ParsedList {
  const reserved = new Set(options.reserved ?? [])
  const filters: Filter[] = []
  const text: Record<string, string> = {}
  for (const [name, value] of Object.entries(params)) {
    if (reserved.has(name) || value === undefined) continue
    if (typeof value !== 'string') throw bad(name, 'must be given once, as text')
    if (LIST_PARAMS.has(name)) text[name] = value
    else filters.push(parseFieldParam(name, value, context))
  }
  if (text.where !== undefined && text.where !== '') {
    const where = parseWhere(text.where, context)
    if (where) filters.unshift(where)
  }
  if (filters.length > WHERE_LIMITS.maxConditions) throw bad('where', `must have at most ${WHERE_LIMITS.maxConditions} conditions`)
  const query: UserQuery = {
    filter: filters.length === 0 ? null : filters.length === 1 ? filters[0]! : { kind: 'and', filters },
    order: parseOrderBy(text.order_by, context, options.unsortable ?? []),
    limit: Math.min(parseInteger(text.limit, 'limit', DEFAULT_LIMIT, 1), MAX_LIMIT),
    offset: parseInteger(text.offset, 'offset', 0, 0),
    count: parseFlag(text.return_total_count, 'return_total_count', false),
  }
  return { query, select: parseKeys(text.keys, context) }
}

/** `nickname__contains=Tom`, `gender=1`, `id__in=1,2,3`: a field, an optional operator, a text value. */
function parseFieldParam(param: string, value: string, context: QueryContext): Filter {
  const split = param.lastIndexOf('__')
  const suffix = split > 0 ? param.slice(split + 2) : ''
  const hasOperator = WHERE_OPERATORS.includes(suffix as WhereOperator)
  const name = hasOperator ? param.slice(0, split) : param
  const op: WhereOperator = hasOperator ? (suffix as WhereOperator) : 'eq'
  const field = resolveField(name, param, context)
  const operand =
    op === 'in' || op === 'nin' || op === 'all'
      ? value.split(',').map((item) => fromText(field, item, param))
      : op === 'isnull' || op === 'exists'
        ? parseBoolean(value, param)
        : op === 'contains' || op === 'icontains' || op === 'regex' || op === 'has_key'
          ? value
          : fromText(field, value, param)
  return buildCondition(field, op, operand, param)
}

/** Converts a text value to the field's (or array item's) type so the shared checks can run. */
function fromText(field: FieldDef, value: string, label: string): unknown {
  const type = field.type === 'array' ? (field.items ?? 'string') : field.type
  switch (type) {
    case 'integer':
      if (!/^-?\d{1,16}$/.test(value)) throw bad(label, 'must be an integer')
      return Number(value)
    case 'number':
      if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value)) throw bad(label, 'must be a number')
      return Number(value)
    case 'boolean':
      return parseBoolean(value, label)
    default:
      return value
  }
}

function parseBoolean(value: string, label: string): boolean {
  if (value === 'true' || value === '1') return true
  if (value === 'false' || value === '0') return false
  throw bad(label, 'must be true, false, 1 or 0')
}

function parseFlag(value: string | undefined, label: string, fallback: boolean): boolean {
  return value === undefined || value === '' ? fallback : parseBoolean(value, label)
}

function parseInteger(value: string | undefined, label: string, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback
  if (!/^\d{1,15}$/.test(value) || Number(value) < min) {
    throw bad(label, min === 1 ? 'must be a positive integer' : 'must be a non-negative integer')
  }
  return Number(value)
}

/** `-created_at,nickname`: scalar, visible, sortable fields; `id` ascending is always the last key. */
export function parseOrderBy(value: string | undefined, context: QueryContext, unsortable: readonly string[]): SortKey[] {
  const keys: SortKey[] = []
  const seen = new Set<string>()
  for (const raw of value ? value.split(',') : []) {
    const item = raw.trim()
    const descending = item.startsWith('-')
    const name = descending ? item.slice(1) : item
    if (!name) throw bad('order_by', 'must be a comma-separated list of fields, each optionally prefixed by -')
    const field = resolveField(name, 'order_by', context)
    if (!isSortable(field) || unsortable.includes(name)) throw bad('order_by', `field "${name}" cannot be sorted on`)
    const column = field.column ?? `profile.${field.name}`
    if (seen.has(column)) continue
    seen.add(column)
    keys.push({ field, descending })
  }
  if (keys.length > MAX_SORT_KEYS) throw bad('order_by', `must have at most ${MAX_SORT_KEYS} fields`)
  if (!seen.has('id')) keys.push({ field: context.schema.fields.get('id')!, descending: false })
  return keys
}

function parseKeys(value: string | undefined, context: QueryContext): FieldSelection | null {
  if (value === undefined || value === '') return null
  const names = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
  const excluding = names.every((n) => n.startsWith('-'))
  if (!excluding && names.some((n) => n.startsWith('-'))) throw bad('keys', 'must list fields to include or fields to exclude (-field), not both')
  const fields = names.map((n) => resolveField(excluding ? n.slice(1) : n, 'keys', context))
  return { mode: excluding ? 'exclude' : 'include', fields }
}
