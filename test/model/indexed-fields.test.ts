import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { indexedField, indexedFieldProblems, indexedFieldTypes, parseIndexOptions } from '../../src/model/indexed-fields.js'
import { createUserSchema } from '../../src/model/schema.js'
import { createUserRouter } from '../../src/index.js'

describe('index declarations of a store', () => {
  it('gives every indexed field an index of its own, then the combinations in order', () => {
    const declaration = parseIndexOptions('Store', { indexedFields: { tier: 'integer', city2: 'string' }, indexes: [['tier', '-created_at']] })
    assert.deepEqual(
      declaration.indexes.map((keys) => keys.map((k) => `${k.descending ? '-' : ''}${k.field.name}:${k.field.column ?? k.field.type}`)),
      [['tier:integer'], ['city2:string'], ['tier:integer', '-created_at:createdAt']],
    )
    assert.deepEqual(indexedFieldTypes(declaration), { tier: 'integer', city2: 'string' })
  })

  it('refuses a wrong declaration, naming the option', () => {
    const cases: [object, RegExp][] = [
      [{ indexedFields: { tags: 'array' } }, /Store: options\.indexedFields\.tags must be one of string, integer, number, boolean, date/],
      [{ indexedFields: { _x: 'integer' } }, /options\.indexedFields\._x must be a custom field name/],
      [{ indexedFields: { gender: 'integer' } }, /options\.indexedFields\.gender must be a custom field name/],
      [{ indexes: [['score']] }, /options\.indexes\[0\] names "score", which is neither in indexedFields nor a sortable built-in field/],
      [{ indexes: [['_provider']] }, /options\.indexes\[0\] names "_provider"/],
      [{ indexes: [[]] }, /options\.indexes\[0\] must be a list of 1 to 4 field names/],
      [{ indexes: [['created_at', '-created_at']] }, /options\.indexes\[0\] names "created_at" twice/],
      [{ indexes: 'tier' }, /options\.indexes must be a list/],
    ]
    for (const [options, message] of cases) assert.throws(() => parseIndexOptions('Store', options as never), message)
  })

  it('uses the index only for a query field of the same name and type', () => {
    const declaration = parseIndexOptions('Store', { indexedFields: { score: 'integer' } })
    const asInteger = createUserSchema({ score: 'integer' }).fields.get('score')!
    const asString = createUserSchema({ score: 'string' }).fields.get('score')!
    assert.equal(indexedField(declaration, asInteger)?.name, 'score')
    assert.equal(indexedField(declaration, asString), null)
  })

  it('lets the router refuse profileFields that disagree with the store', () => {
    const fields = createUserSchema({ score: 'string' }).fields
    assert.deepEqual(indexedFieldProblems({ score: 'integer', level: 'integer' }, fields), [
      'the storage indexes "score" as integer, but profileFields declares it as string',
      'the storage indexes "level" (integer), which profileFields does not declare',
    ])
    const storage = Object.assign(new MemoryUserStore(), { indexedFields: () => ({ score: 'integer' as const }) })
    assert.throws(() => createUserRouter({ storage, clients: ['c'], profileFields: { score: 'string' } }), /options\.profileFields: the storage indexes "score" as integer/)
    assert.doesNotThrow(() => createUserRouter({ storage, clients: ['c'], profileFields: { score: 'integer' } }).close())
  })
})
