/**
 * Parses the MinApp `where` JSON (as built by the SDK's `BaaS.Query`) into a filter tree, checking
 * every field, operator and value against the schema and the caller's visibility.
 */
import { fieldError } from '../errors.js'
import type { FieldDef } from '../model/fields.js'
import type { UserSchema } from '../model/schema.js'
import { checkArrayItem, checkScalar, isPlainObject, stringProblem, type Scalar } from '../model/values.js'
import type { Condition, Filter } from './filter.js'
import { parseSafeRegex, RegexSyntaxError } from './regex/index.js'

/** Who is asking: `public` callers (other signed-in users) may only use public fields. */
export interface QueryContext {
  readonly schema: UserSchema
  readonly visibility: 'all' | 'public'
}

/** Bounds that keep every query small: characters of `where`, nesting, conditions, list values. */
export const WHERE_LIMITS = { maxLength: 16384, maxDepth: 8, maxConditions: 100, maxListValues: 1000 } as const

export const WHERE_OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'contains', 'icontains', 'regex', 'all', 'isnull', 'exists', 'has_key'] as const
export type WhereOperator = (typeof WHERE_OPERATORS)[number]

const bad = (label: string, problem: string) => fieldError('invalid_query', label, problem)

/** Parses `where` (the raw JSON text, or an already parsed object). Returns null for no filter. */
export function parseWhere(where: unknown, context: QueryContext): Filter | null {
  let value = where
  if (typeof where === 'string') {
    if (where.length > WHERE_LIMITS.maxLength) throw bad('where', `must be at most ${WHERE_LIMITS.maxLength} characters`)
    try {
      value = JSON.parse(where)
    } catch {
      throw bad('where', 'must be valid JSON')
    }
  }
  if (!isPlainObject(value)) throw bad('where', 'must be a JSON object')
  const counter = { conditions: 0 }
  const filter = parseNode(value, 'where', 0, context, counter)
  return filter.kind === 'and' && filter.filters.length === 0 ? null : filter
}

function parseNode(node: Record<string, unknown>, label: string, depth: number, context: QueryContext, counter: { conditions: number }): Filter {
  if (depth > WHERE_LIMITS.maxDepth) throw bad(label, `must be nested at most ${WHERE_LIMITS.maxDepth} levels deep`)
  const filters: Filter[] = []
  for (const [key, value] of Object.entries(node)) {
    const at = `${label}.${key}`
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) throw bad(at, 'must be a non-empty array of conditions')
      const children = value.map((child, i) => {
        if (!isPlainObject(child)) throw bad(`${at}[${i}]`, 'must be an object')
        return parseNode(child, `${at}[${i}]`, depth + 1, context, counter)
      })
      filters.push({ kind: key === '$and' ? 'and' : 'or', filters: children })
    } else if (key.startsWith('$')) {
      throw bad(at, `unknown logical operator (use $and or $or)`)
    } else {
      for (const condition of parseField(key, value, at, context)) {
        if (++counter.conditions > WHERE_LIMITS.maxConditions) {
          throw bad('where', `must have at most ${WHERE_LIMITS.maxConditions} conditions`)
        }
        filters.push(condition)
      }
    }
  }
  return filters.length === 1 ? filters[0]! : { kind: 'and', filters }
}

/** Looks a field up by name, refusing unknown fields and fields hidden from the caller. */
export function resolveField(name: string, label: string, context: QueryContext): FieldDef {
  const field = context.schema.fields.get(name)
  if (!field) throw bad(label, `unknown field "${name}"`)
  if (context.visibility === 'public' && !field.public) throw bad(label, `field "${name}" cannot be queried`)
  return field
}

function parseField(name: string, value: unknown, label: string, context: QueryContext): Condition[] {
  const field = resolveField(name, label, context)
  const isOperatorObject = isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'))
  if (!isOperatorObject) return [buildCondition(field, 'eq', value, label)]
  const operators = value as Record<string, unknown>
  const conditions: Condition[] = []
  for (const [key, operand] of Object.entries(operators)) {
    if (key === '$options') {
      if (!('$regex' in operators)) throw bad(`${label}.$options`, 'is only allowed with $regex')
      continue
    }
    const op = key.slice(1) as WhereOperator
    if (!WHERE_OPERATORS.includes(op)) throw bad(`${label}.${key}`, `unknown operator (allowed: ${WHERE_OPERATORS.map((o) => `$${o}`).join(' ')})`)
    const options = op === 'regex' ? operators.$options : undefined
    conditions.push(buildCondition(field, op, operand, `${label}.${key}`, options))
  }
  return conditions
}

/**
 * Builds one condition from an operator and its (JSON-typed) operand. Shared by `where` and the
 * `field__op=value` parameters, which convert their text values first.
 */
export function buildCondition(field: FieldDef, op: WhereOperator, operand: unknown, label: string, options?: unknown): Condition {
  const isArray = field.type === 'array'
  const onlyFor = (types: string, ok: boolean) => {
    if (!ok) throw bad(label, `applies to ${types} fields only; "${field.name}" is of type ${field.type}`)
  }
  switch (op) {
    case 'eq':
    case 'ne':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      onlyFor('string, number, integer, boolean and date', !isArray && field.type !== 'object')
      if (operand === null) throw bad(label, 'cannot be null (use $isnull)')
      return { kind: 'cmp', field, op, value: checkScalar(field.type, operand, label, 'invalid_query', field) }
    case 'in':
    case 'nin':
    case 'all': {
      if (op === 'all') onlyFor('array', isArray)
      else onlyFor('string, number, integer, boolean, date and array', field.type !== 'object')
      if (!Array.isArray(operand) || operand.length === 0 || operand.length > WHERE_LIMITS.maxListValues) {
        throw bad(label, `must be an array of 1 to ${WHERE_LIMITS.maxListValues} values`)
      }
      const values: Scalar[] = operand.map((item, i) =>
        isArray ? checkArrayItem(field, item, `${label}[${i}]`, 'invalid_query') : checkScalar(field.type, item, `${label}[${i}]`, 'invalid_query', field),
      )
      return { kind: op, field, values }
    }
    case 'contains':
    case 'icontains':
      onlyFor('string', field.type === 'string')
      return { kind: 'contains', field, value: checkScalar('string', operand, label, 'invalid_query') as string, ignoreCase: op === 'icontains' }
    case 'regex': {
      onlyFor('string', field.type === 'string')
      if (typeof operand !== 'string' || stringProblem(operand)) throw bad(label, 'must be a regular expression string')
      if (options !== undefined && options !== '' && options !== 'i') throw bad(`${label.replace(/\$regex$/, '$options')}`, 'must be "i" or empty')
      try {
        return { kind: 'regex', field, regex: parseSafeRegex(operand, options === 'i') }
      } catch (error) {
        if (error instanceof RegexSyntaxError) throw bad(label, `unsupported regular expression: ${error.message}`)
        throw error
      }
    }
    case 'isnull':
    case 'exists':
      if (typeof operand !== 'boolean') throw bad(label, 'must be true or false')
      return { kind: 'isnull', field, value: op === 'isnull' ? operand : !operand }
    case 'has_key':
      onlyFor('object', field.type === 'object')
      return { kind: 'has_key', field, key: checkScalar('string', operand, label, 'invalid_query') as string }
  }
}
