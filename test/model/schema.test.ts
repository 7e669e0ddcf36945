import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createUserSchema } from '../../src/model/schema.js'

describe('createUserSchema', () => {
  it('holds every built-in field of the MinApp user under its MinApp name', () => {
    const { fields } = createUserSchema()
    for (const name of [
      'id',
      'user_id',
      '_username',
      '_email',
      '_email_verified',
      '_phone',
      '_phone_verified',
      '_provider',
      'avatar',
      'nickname',
      'gender',
      'country',
      'province',
      'city',
      'language',
      'is_authorized',
      'created_at',
      'updated_at',
      'created_by',
    ]) {
      assert.ok(fields.has(name), name)
    }
    assert.equal(fields.get('_email')?.public, false)
    assert.equal(fields.get('nickname')?.writable, true)
    assert.equal(fields.get('created_at')?.writable, false)
  })

  it('declares custom fields of every type, with options', () => {
    const schema = createUserSchema({
      a: 'string',
      b: 'integer',
      c: 'number',
      d: 'boolean',
      e: 'date',
      f: 'array',
      g: 'object',
      bio: { type: 'string', maxLength: 500, public: false },
      tags: { type: 'array', items: 'string' },
    })
    assert.deepEqual(
      schema.custom.map((f) => [f.name, f.type]),
      [
        ['a', 'string'],
        ['b', 'integer'],
        ['c', 'number'],
        ['d', 'boolean'],
        ['e', 'date'],
        ['f', 'array'],
        ['g', 'object'],
        ['bio', 'string'],
        ['tags', 'array'],
      ],
    )
    assert.equal(schema.fields.get('bio')?.maxLength, 500)
    assert.equal(schema.fields.get('bio')?.public, false)
    assert.equal(schema.fields.get('tags')?.items, 'string')
    assert.equal(schema.fields.get('a')?.nullable, true)
  })

  it('throws an error naming the option for a bad declaration', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ nickname: 'string' }, /profileFields\.nickname: .*built-in/],
      [{ _secret: 'string' }, /profileFields\._secret: .*must start with a letter/],
      [{ 'bad-name': 'string' }, /profileFields\.bad-name/],
      [{ x: 'text' }, /profileFields\.x: type must be one of/],
      [{ x: { type: 'integer', maxLength: 3 } }, /profileFields\.x: maxLength applies/],
      [{ x: { type: 'string', maxLength: 0 } }, /profileFields\.x: maxLength must be/],
      [{ x: { type: 'array', items: 'object' } }, /profileFields\.x: items/],
      [{ x: { type: 'string', public: 'yes' } }, /profileFields\.x: public/],
    ]
    for (const [option, message] of cases) assert.throws(() => createUserSchema(option as never), message)
  })
})
