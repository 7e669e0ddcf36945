/**
 * A per-query allowance of matcher work. One query shares one budget across every `$regex` clause
 * and every row, so the work of a query is bounded as a whole: a pattern that is linear per value
 * can still cost pattern size × text length × rows × clauses, which the budget caps.
 */
import { UserRouterError } from '../../errors.js'

/**
 * Matcher steps one list query may spend (a step is one state examined or entered at one character).
 * About a tenth of a second of CPU; an ordinary pattern over 100,000 short values needs a few million.
 */
export const REGEX_STEP_BUDGET = 20_000_000

export class RegexBudget {
  /** Steps spent so far. */
  used = 0

  constructor(readonly limit: number = REGEX_STEP_BUDGET) {}

  /** Adds `steps`; throws `query_too_complex` once the total passes the limit. */
  spend(steps: number): void {
    this.used += steps
    if (this.used > this.limit) throw queryTooComplex()
  }
}

/** The error of a query whose regular expressions need more work than a query may spend. */
export function queryTooComplex(problem = 'its regular expressions need too much work over the rows they must read'): UserRouterError {
  return new UserRouterError('query_too_complex', {
    message: `where: ${problem}; use fewer or simpler patterns, or narrow the query with other conditions`,
    details: [{ field: 'where', message: problem }],
  })
}
