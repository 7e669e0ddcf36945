import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isUserRouterError } from '../../src/errors.js'
import { createUserSchema } from '../../src/model/schema.js'
import { withUserDefaults, type StoredUser } from '../../src/model/user.js'
import { matchesFilter } from '../../src/query/evaluate-filter.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { MAX_STATES } from '../../src/query/regex/compile.js'
import { matchSafeRegex, parseSafeRegex, RegexBudget, REGEX_STEP_BUDGET } from '../../src/query/regex/index.js'

const context = { schema: createUserSchema(), visibility: 'all' } as const
const USERS = 100_000
const WORST_PATTERN = '(?:[^#]{0,99}){10}#'

const users: StoredUser[] = Array.from({ length: USERS }, (_, i) => ({
  id: i + 1,
  ...withUserDefaults({ nickname: `user number ${i} `.padEnd(40, 'x'), createdAt: 1_700_000_000 }),
}))

/** Evaluates the filter over every user with one budget, as a store does; returns rows read and the error. */
function scan(where: object, budget: RegexBudget): { rows: number; matched: number; error: unknown } {
  const filter = parseListParams({ where: JSON.stringify(where) }, context).query.filter!
  let rows = 0
  let matched = 0
  try {
    for (const user of users) {
      rows++
      if (matchesFilter(user, filter, budget)) matched++
    }
    return { rows, matched, error: null }
  } catch (error) {
    return { rows, matched, error }
  }
}

describe('regex work budget of one query', () => {
  it('stops worst-case patterns over 100,000 users within the budget, with query_too_complex', () => {
    const budget = new RegexBudget()
    const clauses = [true, false, true, false].map((ignoreCase) => ({ nickname: { $regex: WORST_PATTERN, ...(ignoreCase ? { $options: 'i' } : {}) } }))
    const { rows, error } = scan({ $or: clauses }, budget)
    assert.ok(isUserRouterError(error, 'query_too_complex'), String(error))
    assert.equal(budget.limit, REGEX_STEP_BUDGET)
    // The overrun is at most one character's work of one pattern: its states, entered and examined.
    assert.ok(budget.used <= REGEX_STEP_BUDGET + 2 * MAX_STATES, `${budget.used} steps`)
    assert.ok(rows < USERS / 10, `stopped after ${rows} rows`)
  })

  it('lets ordinary patterns read 100,000 users within the budget', () => {
    for (const where of [
      { nickname: { $regex: '^user number 4', $options: 'i' } },
      { nickname: { $regex: 'number 12' } },
      { $or: [{ nickname: { $regex: '^user' } }, { nickname: { $regex: '7$' } }] },
    ]) {
      const budget = new RegexBudget()
      const { rows, error } = scan(where, budget)
      assert.equal(error, null, JSON.stringify(where))
      assert.equal(rows, USERS)
      assert.ok(budget.used <= REGEX_STEP_BUDGET, `${budget.used} steps for ${JSON.stringify(where)}`)
    }
  })

  it('charges every clause and every row of a query to the one budget', () => {
    const regex = parseSafeRegex('b+c', false)
    const budget = new RegexBudget(1_000_000)
    matchSafeRegex(regex, 'abbbd', budget)
    const one = budget.used
    assert.ok(one > 0)
    matchSafeRegex(regex, 'abbbd', budget)
    assert.equal(budget.used, 2 * one)
    const small = new RegexBudget(one * 3)
    for (let i = 0; i < 3; i++) matchSafeRegex(regex, 'abbbd', small)
    assert.throws(
      () => matchSafeRegex(regex, 'abbbd', small),
      (e) => isUserRouterError(e, 'query_too_complex'),
    )
    // Without a budget nothing is counted and nothing is refused.
    assert.equal(matchSafeRegex(regex, 'abbbc'), true)
  })
})
