import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_ARRAY_ITEM_MAX_LENGTH, MAX_ARRAY_ITEM_LENGTH, MAX_ARRAY_MAX_ITEMS, MAX_PROFILE_FIELDS, MAX_STRING_MAX_LENGTH } from '../../src/model/fields.js'
import { createUserSchema } from '../../src/model/schema.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'
import { expectError } from '../helpers/errors.js'

describe('length limits of strings and array items', () => {
  const schema = createUserSchema({ tags: { type: 'array', items: 'string' }, mixed: 'array', urls: { type: 'array', itemMaxLength: 2048 }, bio: 'string' })

  it('caps every string item of an array at 256 characters unless declared otherwise', () => {
    assert.equal(DEFAULT_ARRAY_ITEM_MAX_LENGTH, 256)
    assert.equal(schema.fields.get('tags')?.itemMaxLength, 256)
    assert.equal(schema.fields.get('urls')?.itemMaxLength, 2048)
    const long = 'é'.repeat(257)
    expectError(() => parseProfileUpdate({ tags: ['ok', long] }, schema), 'invalid_update', 'tags[1]')
    expectError(() => parseProfileUpdate({ tags: { $append: [long] } }, schema), 'invalid_update', 'tags.$append[0]')
    expectError(() => parseProfileUpdate({ mixed: { $append_unique: [1, long] } }, schema), 'invalid_update', 'mixed.$append_unique[1]')
    expectError(() => parseProfileUpdate({ urls: ['x'.repeat(2049)] }, schema), 'invalid_update', 'urls[0]')
    // At the limit, counted in code points, is fine.
    assert.equal(parseProfileUpdate({ tags: { $append: ['😀'.repeat(256)] } }, schema).length, 1)
    assert.equal(parseProfileUpdate({ urls: ['x'.repeat(2048)] }, schema).length, 1)
  })

  it('refuses declarations beyond the ceilings, naming the option', () => {
    const cases: [object, RegExp][] = [
      [{ x: { type: 'string', maxLength: MAX_STRING_MAX_LENGTH + 1 } }, /profileFields\.x: maxLength of a string must be at most 65536/],
      [{ x: { type: 'array', maxLength: MAX_ARRAY_MAX_ITEMS + 1 } }, /profileFields\.x: maxLength of an array must be at most 10000/],
      [{ x: { type: 'array', itemMaxLength: MAX_ARRAY_ITEM_LENGTH + 1 } }, /profileFields\.x: itemMaxLength must be an integer from 1 to 4096/],
      [{ x: { type: 'string', itemMaxLength: 5 } }, /profileFields\.x: itemMaxLength applies to array fields only/],
      [Object.fromEntries(Array.from({ length: MAX_PROFILE_FIELDS + 1 }, (_, i) => [`f${i}`, 'integer'])), /profileFields: at most 100 fields/],
    ]
    for (const [fields, message] of cases) assert.throws(() => createUserSchema(fields as never), message)
    assert.equal(createUserSchema({ x: { type: 'string', maxLength: MAX_STRING_MAX_LENGTH } }).fields.get('x')?.maxLength, 65536)
  })
})
