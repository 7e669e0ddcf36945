import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createUserSchema } from '../../src/model/schema.js'
import type { Condition, Filter } from '../../src/query/filter.js'
import { parseWhere, WHERE_LIMITS } from '../../src/query/parse-where.js'
import { expectError } from '../helpers/errors.js'

const schema = createUserSchema({ score: 'integer', tags: 'array', meta: 'object', birthday: 'date', secret: { type: 'string', public: false } })
const all = { schema, visibility: 'all' } as const
const publicOnly = { schema, visibility: 'public' } as const

function summary(filter: Filter | null): unknown {
  if (filter === null) return null
  if (filter.kind === 'and' || filter.kind === 'or') return { [filter.kind]: filter.filters.map(summary) }
  const { field, ...rest } = filter as Condition
  return { field: field.name, ...rest, ...('regex' in rest ? { regex: rest.regex.source } : {}) }
}

describe('parseWhere', () => {
  it('parses the SDK shape of $and with operators into a typed tree', () => {
    const where = '{"$and":[{"nickname":{"$contains":"Tom"}},{"created_at":{"$gt":1483228800}}]}'
    assert.deepEqual(summary(parseWhere(where, all)), {
      and: [
        { field: 'nickname', kind: 'contains', value: 'Tom', ignoreCase: false },
        { field: 'created_at', kind: 'cmp', op: 'gt', value: 1483228800 },
      ],
    })
  })

  it('treats a bare value as $eq and several keys as an implicit $and', () => {
    assert.deepEqual(summary(parseWhere({ gender: 1, _username: 'tom' }, all)), {
      and: [
        { field: 'gender', kind: 'cmp', op: 'eq', value: 1 },
        { field: '_username', kind: 'cmp', op: 'eq', value: 'tom' },
      ],
    })
  })

  it('parses nested $or, $in, $nin, $all, $isnull, $exists, $has_key and $regex with $options', () => {
    const tree = parseWhere(
      {
        $or: [
          { score: { $in: [1, 2] } },
          { $and: [{ tags: { $all: ['a', 'b'] } }, { tags: { $nin: ['c'] } }] },
          { meta: { $has_key: 'x' } },
          { nickname: { $regex: '^to', $options: 'i' } },
          { score: { $isnull: true } },
          { _email: { $exists: false } },
        ],
      },
      all,
    )
    assert.deepEqual(summary(tree), {
      or: [
        { field: 'score', kind: 'in', values: [1, 2] },
        {
          and: [
            { field: 'tags', kind: 'all', values: ['a', 'b'] },
            { field: 'tags', kind: 'nin', values: ['c'] },
          ],
        },
        { field: 'meta', kind: 'has_key', key: 'x' },
        { field: 'nickname', kind: 'regex', regex: '^to' },
        { field: 'score', kind: 'isnull', value: true },
        { field: '_email', kind: 'isnull', value: true },
      ],
    })
  })

  it('normalises date values to UTC ISO strings', () => {
    const tree = parseWhere({ birthday: { $gte: '2020-01-02T03:04:05+08:00' } }, all)
    assert.deepEqual(summary(tree), { field: 'birthday', kind: 'cmp', op: 'gte', value: '2020-01-01T19:04:05.000Z' })
  })

  it('returns null for an empty object', () => {
    assert.equal(parseWhere('{}', all), null)
  })

  it('refuses malformed JSON, non-objects, unknown fields and unknown operators, naming the problem', () => {
    expectError(() => parseWhere('{"nickname":', all), 'invalid_query', 'where')
    expectError(() => parseWhere('[1]', all), 'invalid_query', 'where')
    expectError(() => parseWhere({ nope: 1 }, all), 'invalid_query', 'where.nope')
    expectError(() => parseWhere({ nickname: { $where: 'sleep(1)' } }, all), 'invalid_query', 'where.nickname.$where')
    expectError(() => parseWhere({ $nor: [] }, all), 'invalid_query', 'where.$nor')
  })

  it('refuses values of the wrong type for the field', () => {
    expectError(() => parseWhere({ score: '5' }, all), 'invalid_query', 'where.score')
    expectError(() => parseWhere({ score: 1.5 }, all), 'invalid_query', 'where.score')
    expectError(() => parseWhere({ gender: 7 }, all), 'invalid_query', 'where.gender')
    expectError(() => parseWhere({ nickname: { $ne: null } }, all), 'invalid_query', 'where.nickname.$ne')
    expectError(() => parseWhere({ nickname: { $in: 'x' } }, all), 'invalid_query', 'where.nickname.$in')
    expectError(() => parseWhere({ score: { $contains: '1' } }, all), 'invalid_query', 'where.score.$contains')
    expectError(() => parseWhere({ tags: 'a' }, all), 'invalid_query', 'where.tags')
    expectError(() => parseWhere({ birthday: 'yesterday' }, all), 'invalid_query', 'where.birthday')
    expectError(() => parseWhere({ nickname: 'a\u0000b' }, all), 'invalid_query', 'where.nickname')
    expectError(() => parseWhere({ nickname: { $regex: '(a' } }, all), 'invalid_query', 'where.nickname.$regex')
    expectError(() => parseWhere({ nickname: { $regex: 'a', $options: 'g' } }, all), 'invalid_query', 'where.nickname.$options')
    expectError(() => parseWhere({ nickname: { $options: 'i' } }, all), 'invalid_query', 'where.nickname.$options')
  })

  it('treats an operator-injection object as an unknown operator, not as data', () => {
    expectError(() => parseWhere({ _username: { $gt: '', $where: '1' } }, all), 'invalid_query', 'where._username.$where')
  })

  it('hides private fields from public callers', () => {
    expectError(() => parseWhere({ _email: 'a@b.c' }, publicOnly), 'invalid_query', 'where._email')
    expectError(() => parseWhere({ secret: 'x' }, publicOnly), 'invalid_query', 'where.secret')
    assert.ok(parseWhere({ _email: 'a@b.c' }, all))
  })

  it('bounds the size, depth and number of conditions', () => {
    expectError(() => parseWhere(`{"nickname":"${'x'.repeat(WHERE_LIMITS.maxLength)}"}`, all), 'invalid_query', 'where')
    let deep: object = { nickname: 'x' }
    for (let i = 0; i <= WHERE_LIMITS.maxDepth; i++) deep = { $and: [deep] }
    expectError(() => parseWhere(deep, all), 'invalid_query')
    const many = { $or: Array.from({ length: WHERE_LIMITS.maxConditions + 1 }, (_, i) => ({ score: i })) }
    expectError(() => parseWhere(many, all), 'invalid_query', 'where')
    const longList = { score: { $in: Array.from({ length: WHERE_LIMITS.maxListValues + 1 }, (_, i) => i) } }
    expectError(() => parseWhere(longList, all), 'invalid_query', 'where.score.$in')
  })
})
