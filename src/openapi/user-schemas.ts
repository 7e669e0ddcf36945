/**
 * JSON Schemas of the user object and of profile updates, derived from the router's user schema
 * (built-in fields plus `profileFields`), so the document shows an app's own custom fields.
 */
import type { FieldDef } from '../model/fields.js'
import type { UserSchema } from '../model/schema.js'
import { MAX_UPDATE_FIELDS, UPDATE_OPERATORS } from '../query/parse-update.js'

type JsonSchema = Record<string, unknown>

/** The JSON Schema of one field's value. */
export function fieldValueSchema(field: FieldDef): JsonSchema {
  let schema: JsonSchema
  switch (field.type) {
    case 'string':
      schema = { type: 'string', ...(field.maxLength ? { maxLength: field.maxLength } : {}) }
      break
    case 'integer':
      schema = { type: 'integer', ...(field.allowed ? { enum: [...field.allowed] } : {}) }
      break
    case 'date':
      schema = { type: 'string', format: 'date-time' }
      break
    case 'array':
      schema = { type: 'array', items: { type: field.items ?? ['string', 'number', 'boolean'] }, ...(field.maxLength ? { maxItems: field.maxLength } : {}) }
      break
    default:
      schema = { type: field.type }
  }
  return field.nullable ? { ...schema, type: [schema.type, 'null'].flat() } : schema
}

/** The user as the client and admin APIs answer it. Hidden fields are left out for other users. */
export function userObjectSchema(schema: UserSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  for (const field of schema.fields.values()) {
    const value = fieldValueSchema(field)
    properties[field.name] = field.public ? value : { ...value, description: "Only in the owner's and operators' view." }
  }
  properties._anonymous = { type: 'boolean' }
  const ownView = "Only in the owner's and operators' view."
  properties._provider = {
    type: 'object',
    additionalProperties: { type: 'object', properties: { subject: { type: 'string' }, unionid: { type: ['string', 'null'] }, linked_at: { type: 'integer' } } },
    description: `The third-party identities, by provider: what the provider said of the user, its \`subject\`, \`unionid\` and \`linked_at\`. ${ownView}`,
  }
  properties.openid = { type: ['string', 'null'], description: `The WeChat openid (the mini program's first). ${ownView}` }
  properties.unionid = { type: ['string', 'null'], description: `The WeChat unionid. ${ownView}` }
  return { type: 'object', properties, required: ['id', 'user_id', 'created_at', 'updated_at'] }
}

/** A profile update: writable fields with a value or one operator, and `$unset`. */
export function profileUpdateSchema(schema: UserSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  const writable = [...schema.fields.values()].filter((field) => field.writable)
  for (const field of writable) {
    properties[field.name] = {
      oneOf: [
        fieldValueSchema({ ...field, nullable: true }),
        { type: 'object', minProperties: 1, maxProperties: 1, propertyNames: { enum: [...UPDATE_OPERATORS] }, description: 'An update operator with its operand.' },
      ],
    }
  }
  properties.$unset = { type: 'object', propertyNames: { enum: writable.map((f) => f.name) }, description: 'Fields to clear: `{"field": ""}`.' }
  return { type: 'object', properties, additionalProperties: false, maxProperties: MAX_UPDATE_FIELDS }
}
