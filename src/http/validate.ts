/**
 * Joi validation of request bodies and parameters, turned into `invalid_request` errors that name
 * every field at fault.
 */
import type Joi from 'joi'
import { UserRouterError } from '../errors.js'

export function validate<T>(schema: Joi.Schema<T>, value: unknown): T {
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
