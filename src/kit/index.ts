/**
 * `express-user-router/kit`: what a custom storage adapter may reuse. The query and update parsers
 * and their reference evaluators (the semantics every store must match), the user schema and field
 * lists, the safe regular-expression subset with its work budget, and random test data. The port
 * and model types themselves are on the main entry.
 */
export { BUILTIN_FIELDS, INTERNAL_FIELDS } from '../model/fields.js'
export { createUserSchema, isSortable, type UserSchema } from '../model/schema.js'
export { withUserDefaults } from '../model/user.js'
export { checkNewIdentity, isStorableIdentityText, sortIdentities, IDENTITY_LIMITS } from '../model/identities.js'
export { normalizePhone, identifierKey } from '../model/identifiers.js'
export { hasRegex } from '../query/filter.js'
export { parseWhere, type QueryContext } from '../query/parse-where.js'
export { parseListParams, type ParsedList, type FieldSelection, type ListParamsOptions } from '../query/parse-list-params.js'
export { parseProfileUpdate } from '../query/parse-update.js'
export { matchesFilter, compareUsersBy } from '../query/evaluate-filter.js'
export { applyUpdate } from '../query/evaluate-update.js'
export {
  RegexSyntaxError,
  matchSafeRegex,
  parseSafeRegex,
  toPostgresRegex,
  queryTooComplex,
  RegexBudget,
  REGEX_STEP_BUDGET,
  MAX_WAITING_REGEX_LISTS,
  RegexTurns,
} from '../query/regex/index.js'
export { createRandom, randomUser, randomListParams, randomUpdateBody, RANDOM_PROFILE_FIELDS, type Random } from '../testing/random-data.js'
