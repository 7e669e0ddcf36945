/**
 * Joi validation of request bodies and parameters, turned into `invalid_request` errors that name
 * every field at fault.
 */
import { UserRouterError } from '../errors.js'
import type { RequestSchema } from './request-schema.js'

/** The value as the schema lets it through (defaults applied, unknown keys dropped), typed by the schema. */
export function validate<T>(schema: RequestSchema<T>, value: unknown): T {
  const result = schema.validate(value, { abortEarly: false, convert: false, stripUnknown: true })
  if (!result.error) return result.value
  const details = result.error.details.map((d) => ({
    field: d.path.length ? d.path.join('.') : 'body',
    message: d.message.replace(/^"[^"]*" /, ''),
  }))
  return fail(details)
}

function fail(details: { field: string; message: string }[]): never {
  throw new UserRouterError('invalid_request', {
    message: details.map((d) => `${d.field}: ${d.message}`).join('; '),
    details,
  })
}
