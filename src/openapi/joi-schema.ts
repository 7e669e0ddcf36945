/**
 * A Joi schema of a route as OpenAPI 3.1 JSON Schema (joi-to-json). The routes validate with
 * `stripUnknown`, so unknown properties are ignored rather than refused: the document says so.
 */
import type Joi from 'joi'
import * as joiToJson from 'joi-to-json'

// A CommonJS module whose declarations say `export default`: at run time the import is the function.
const parse = joiToJson.default as unknown as typeof joiToJson.parse

type JsonSchema = Record<string, unknown>

function allowUnknown(schema: unknown): void {
  if (schema === null || typeof schema !== 'object') return
  const node = schema as JsonSchema
  if (node.additionalProperties === false) delete node.additionalProperties
  for (const value of Object.values(node)) allowUnknown(value)
}

export function joiToJsonSchema(schema: Joi.Schema): JsonSchema {
  const converted = parse(schema as never, 'open-api-3.1') as JsonSchema
  allowUnknown(converted)
  return converted
}

/** The query parameters of an object schema, one per key. */
export function joiToParameters(schema: Joi.Schema): Record<string, unknown>[] {
  const { properties = {}, required = [] } = joiToJsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] }
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: required.includes(name), schema: property }))
}
