import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createUserSchema } from '../../src/model/schema.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'
import { expectError } from '../helpers/errors.js'

const schema = createUserSchema({
  score: 'integer',
  rating: 'number',
  tags: { type: 'array', items: 'string', maxLength: 3 },
  meta: 'object',
  bio: { type: 'string', maxLength: 5 },
  born: 'date',
})

const summary = (body: unknown) => parseProfileUpdate(body, schema).map(({ field, ...rest }) => ({ field: field.name, ...rest }))

describe('parseProfileUpdate', () => {
  it('parses plain sets and every operator', () => {
    assert.deepEqual(
      summary({
        nickname: 'Tom',
        score: { $incr_by: 2 },
        rating: { $incr_by: -0.5 },
        tags: { $append_unique: ['a', 'b', 'a'] },
        meta: { $update: { k: 1 } },
        $unset: { bio: '' },
      }),
      [
        { field: 'nickname', kind: 'set', value: 'Tom' },
        { field: 'score', kind: 'incr', by: 2 },
        { field: 'rating', kind: 'incr', by: -0.5 },
        { field: 'tags', kind: 'append_unique', values: ['a', 'b'] },
        { field: 'meta', kind: 'patch', value: { k: 1 } },
        { field: 'bio', kind: 'unset' },
      ],
    )
    assert.deepEqual(summary({ tags: { $pop: -1 } }), [{ field: 'tags', kind: 'pop', end: 'first' }])
    assert.deepEqual(summary({ tags: { $append: 'x' } }), [{ field: 'tags', kind: 'append', values: ['x'] }])
    assert.deepEqual(summary({ tags: { $remove: ['x'] } }), [{ field: 'tags', kind: 'remove', values: ['x'] }])
    assert.deepEqual(summary({ born: '2020-01-01' }), [{ field: 'born', kind: 'set', value: '2020-01-01T00:00:00.000Z' }])
    assert.deepEqual(summary({ meta: { plain: 'object', $odd: 1 } }), [{ field: 'meta', kind: 'set', value: { plain: 'object', $odd: 1 } }])
  })

  it('refuses read-only built-ins and undeclared fields', () => {
    for (const field of ['id', 'user_id', 'created_at', 'updated_at', '_username', '_email', '_phone', '_email_verified', 'is_authorized', '_provider']) {
      expectError(() => parseProfileUpdate({ [field]: 1 }, schema), 'invalid_update', field)
    }
    expectError(() => parseProfileUpdate({ password: 'x' }, schema), 'invalid_update', 'password')
    expectError(() => parseProfileUpdate({ $unset: { created_at: '' } }, schema), 'invalid_update', '$unset.created_at')
  })

  it('refuses type mismatches, naming the field', () => {
    expectError(() => parseProfileUpdate({ score: '1' }, schema), 'invalid_update', 'score')
    expectError(() => parseProfileUpdate({ score: { $incr_by: 0.5 } }, schema), 'invalid_update', 'score.$incr_by')
    expectError(() => parseProfileUpdate({ nickname: { $incr_by: 1 } }, schema), 'invalid_update', 'nickname.$incr_by')
    expectError(() => parseProfileUpdate({ gender: { $incr_by: 1 } }, schema), 'invalid_update', 'gender.$incr_by')
    expectError(() => parseProfileUpdate({ gender: 3 }, schema), 'invalid_update', 'gender')
    expectError(() => parseProfileUpdate({ tags: [1] }, schema), 'invalid_update', 'tags[0]')
    expectError(() => parseProfileUpdate({ tags: ['a', 'b', 'c', 'd'] }, schema), 'invalid_update', 'tags')
    expectError(() => parseProfileUpdate({ tags: { $pop: 2 } }, schema), 'invalid_update', 'tags.$pop')
    expectError(() => parseProfileUpdate({ tags: { $append: [] } }, schema), 'invalid_update', 'tags.$append')
    expectError(() => parseProfileUpdate({ meta: { $update: [1] } }, schema), 'invalid_update', 'meta.$update')
    expectError(() => parseProfileUpdate({ score: { $bogus: 1 } }, schema), 'invalid_update', 'score.$bogus')
    expectError(() => parseProfileUpdate({ bio: 'toolong' }, schema), 'invalid_update', 'bio')
    expectError(() => parseProfileUpdate({ nickname: null }, schema), 'invalid_update', 'nickname')
    expectError(() => parseProfileUpdate({ nickname: 'nul\u0000' }, schema), 'invalid_update', 'nickname')
    expectError(() => parseProfileUpdate({ meta: { k: '\ud800' } }, schema), 'invalid_update', 'meta')
    expectError(() => parseProfileUpdate([], schema), 'invalid_update', 'body')
  })

  it('refuses changing one field twice', () => {
    expectError(() => parseProfileUpdate({ bio: 'a', $unset: { bio: '' } }, schema), 'invalid_update', '$unset.bio')
  })

  it('bounds nested objects', () => {
    let deep: unknown = 1
    for (let i = 0; i < 12; i++) deep = { d: deep }
    expectError(() => parseProfileUpdate({ meta: deep }, schema), 'invalid_update', 'meta')
    expectError(() => parseProfileUpdate({ meta: { big: 'x'.repeat(9000) } }, schema), 'invalid_update', 'meta')
  })
})
