import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createUserSchema } from '../../src/model/schema.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { expectError } from '../helpers/errors.js'

const schema = createUserSchema({ score: 'integer', rating: 'number', vip: 'boolean', tags: 'array', meta: 'object' })
const all = { schema, visibility: 'all' } as const
const ADMIN_UNSORTABLE = ['gender', 'country', 'province', 'city', 'language']

describe('parseListParams', () => {
  it('applies the defaults: 20 per page from offset 0, no count, id order', () => {
    const { query, select } = parseListParams({}, all)
    assert.equal(query.filter, null)
    assert.deepEqual([query.limit, query.offset, query.count], [20, 0, false])
    assert.deepEqual(
      query.order.map((k) => [k.field.name, k.descending]),
      [['id', false]],
    )
    assert.equal(select, null)
  })

  it("parses the admin API's example of field filters, order and count", () => {
    const { query } = parseListParams({ nickname__contains: 'Tom', gender: '1', created_at__gt: '1483228800', order_by: '-created_at', return_total_count: '1' }, all)
    assert.equal(query.filter?.kind, 'and')
    const conditions = query.filter?.kind === 'and' ? query.filter.filters : []
    assert.deepEqual(
      conditions.map((c) => ('field' in c ? [c.field.name, c.kind, 'op' in c ? c.op : null, 'value' in c ? c.value : null] : null)),
      [
        ['nickname', 'contains', null, 'Tom'],
        ['gender', 'cmp', 'eq', 1],
        ['created_at', 'cmp', 'gt', 1483228800],
      ],
    )
    assert.deepEqual(
      query.order.map((k) => [k.field.name, k.descending]),
      [
        ['created_at', true],
        ['id', false],
      ],
    )
    assert.equal(query.count, true)
  })

  it('splits list values and converts them to the field type', () => {
    const { query } = parseListParams({ id__in: '1,2,3', vip: 'true', rating__lt: '2.5', tags__all: 'a,b' }, all)
    const conditions = query.filter?.kind === 'and' ? query.filter.filters : []
    assert.deepEqual(
      conditions.map((c) => ('values' in c ? c.values : 'value' in c ? c.value : null)),
      [[1, 2, 3], true, 2.5, ['a', 'b']],
    )
  })

  it('combines where with field filters', () => {
    const { query } = parseListParams({ where: '{"score":{"$gt":1}}', _username__icontains: 'to' }, all)
    assert.equal(query.filter?.kind, 'and')
  })

  it('clamps limits above 1000 and refuses zero, negative and non-numeric limits and offsets', () => {
    assert.equal(parseListParams({ limit: '5000' }, all).query.limit, 1000)
    for (const limit of ['0', '-1', 'ten', '1.5', '']) {
      if (limit === '') continue
      expectError(() => parseListParams({ limit }, all), 'invalid_query', 'limit')
    }
    expectError(() => parseListParams({ offset: '-5' }, all), 'invalid_query', 'offset')
    expectError(() => parseListParams({ offset: 'x' }, all), 'invalid_query', 'offset')
  })

  it('refuses unknown fields, unknown parameters, repeated parameters and bad values', () => {
    expectError(() => parseListParams({ nope: '1' }, all), 'invalid_query', 'nope')
    expectError(() => parseListParams({ score__between: '1' }, all), 'invalid_query', 'score__between')
    expectError(() => parseListParams({ gender: ['1', '2'] }, all), 'invalid_query', 'gender')
    expectError(() => parseListParams({ score: 'abc' }, all), 'invalid_query', 'score')
    expectError(() => parseListParams({ return_total_count: 'maybe' }, all), 'invalid_query', 'return_total_count')
  })

  it('ignores parameters the route reserves', () => {
    assert.equal(parseListParams({ expand: 'created_by' }, all, { reserved: ['expand'] }).query.filter, null)
  })

  it('refuses sorting on unsortable, unknown and hidden fields', () => {
    expectError(() => parseListParams({ order_by: 'tags' }, all), 'invalid_query', 'order_by')
    expectError(() => parseListParams({ order_by: 'nope' }, all), 'invalid_query', 'order_by')
    expectError(() => parseListParams({ order_by: '-' }, all), 'invalid_query', 'order_by')
    expectError(() => parseListParams({ order_by: '_email' }, { schema, visibility: 'public' }), 'invalid_query', 'order_by')
    for (const field of ADMIN_UNSORTABLE) {
      expectError(() => parseListParams({ order_by: field }, all, { unsortable: ADMIN_UNSORTABLE }), 'invalid_query', 'order_by')
    }
    assert.ok(parseListParams({ order_by: 'gender' }, all))
  })

  it('does not add a second id key when the order already has one', () => {
    const { query } = parseListParams({ order_by: '-user_id' }, all)
    assert.deepEqual(
      query.order.map((k) => [k.field.name, k.descending]),
      [['user_id', true]],
    )
  })

  it('parses keys to include or exclude, but not both', () => {
    assert.deepEqual(
      parseListParams({ keys: 'nickname,score' }, all).select?.fields.map((f) => f.name),
      ['nickname', 'score'],
    )
    assert.equal(parseListParams({ keys: '-score' }, all).select?.mode, 'exclude')
    expectError(() => parseListParams({ keys: 'nickname,-score' }, all), 'invalid_query', 'keys')
    expectError(() => parseListParams({ keys: 'nope' }, all), 'invalid_query', 'keys')
  })

  it('counts only when return_total_count asks', () => {
    assert.equal(parseListParams({}, all).query.count, false)
    assert.equal(parseListParams({ return_total_count: '0' }, all).query.count, false)
    assert.equal(parseListParams({ return_total_count: '1' }, all).query.count, true)
  })
})
