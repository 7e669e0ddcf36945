/**
 * `update_userprofile` of the third-party sign-in routes (web and mini program): how a provider's
 * profile fills the user's. The SDK sends `'false'`; `false` is taken too.
 */
import Joi from 'joi'
import { type Field, withDefault } from '../../http/request-schema.js'
import type { ProfileUpdate } from '../../services/identity-accounts.js'

export const updateProfileField: Joi.AlternativesSchema<string | boolean> & Field<'always'> = withDefault(
  Joi.alternatives(Joi.string().valid('overwrite', 'setnx', 'false'), Joi.boolean().valid(false)),
  'setnx',
)

/** The field's value as the services take it. */
export const profileUpdateOf = (value: string | boolean): ProfileUpdate => (value === 'false' || value === false ? false : (value as ProfileUpdate))
