/**
 * Safe regular expressions for `$regex` filters: a small subset matched in linear time (no
 * backtracking) and translated to a PostgreSQL ARE with identical match semantics.
 */
export { RegexSyntaxError } from './errors.js'
export { matchSafeRegex, parseSafeRegex, toPostgresRegex, type SafeRegex } from './safe-regex.js'
export { queryTooComplex, RegexBudget, REGEX_STEP_BUDGET } from './budget.js'
export { MAX_WAITING_REGEX_LISTS, RegexTurns } from './turns.js'
