/**
 * Request schemas type what `validate` gives back from their keys: this file stops compiling when
 * an inference breaks. And what they build is a Joi schema like any other.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import Joi from 'joi'
import { named, nullable, object, optional, required, withDefault } from '../../src/http/request-schema.js'
import { smsCodeSchema } from '../../src/http/sms-code.js'
import { validate } from '../../src/http/validate.js'
import type { Equal } from '../helpers/type-equality.js'

const text = Joi.string().min(1).max(320)
const accountSchema = (kind: 'username' | 'phone') =>
  object({
    ...named(kind, required(text)),
    current_password: optional(text.description('The current one.')),
    email: optional(nullable(text)),
    code: required(smsCodeSchema),
    create_user: withDefault(Joi.boolean(), true),
  })
    .xor('current_password', 'email')
    .required()
    .messages({ 'object.xor': 'one of them' })

it('validate gives the type its schema infers', () => {
  const value = validate(accountSchema('phone'), { phone: '1', email: null, code: 123456 })
  const inferred: Equal<typeof value, { username: string; phone: string; current_password?: string; email?: string | null; code: string | number; create_user: boolean }> = true
  assert.ok(inferred)
  assert.deepEqual(value, { phone: '1', email: null, code: 123456, create_user: true })
})

it('a schema built without the typed layer is refused', () => {
  // @ts-expect-error: a plain Joi object schema types nothing.
  assert.deepEqual(validate(Joi.object({ name: text }), { name: 'a' }), { name: 'a' })
})

it('the schema keeps its Joi rules and messages', () => {
  assert.throws(() => validate(accountSchema('phone'), { phone: '1', current_password: 'p', email: 'a@b', code: '1' }), /one of them/)
})
