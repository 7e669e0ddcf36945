import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { judge } from '../../bench/lib/judge.js'
import type { MemorySummary } from '../../bench/lib/memory.js'
import type { ScenarioKey, ScenarioRow } from '../../bench/lib/report.js'
import { scenarioRow } from './scenario-row.js'

function row(key: ScenarioKey, figures: Partial<ScenarioRow> = {}): ScenarioRow {
  return scenarioRow(key, '10', figures)
}

const memory: MemorySummary = { passes: [], repeatGrowth: null, samples: [] }
/** The verdicts on logins against the reference app's, as [target, met]. */
const loginVerdicts = (rows: ScenarioRow[]) =>
  judge(rows, memory, ['10'], 100, 100_000)
    .filter((v) => /reference app's logins|its own storm/.test(v.claim))
    .map((v) => [v.target, v.met])

const logins = [row('login', { ratioToReference: 0.95 }), row('reference-login')]
const storms = [
  row('login-storm', { ratioToReference: 1.1 }),
  row('get-storm', { ratioToReference: 1.2, p99: 30 }),
  row('reference-login-storm'),
  row('reference-storm', { p99: 40 }),
]

describe('verdicts on logins against the reference app', () => {
  it("want 0.9x the reference's logins/s, and reads during the storm at least the reference's with a p99 no higher", () => {
    assert.deepEqual(loginVerdicts([...logins, ...storms]), [
      ['>= 0.9', true],
      ['>= 1', true],
      ['<= 1', true],
    ])
    const worse = [row('login', { ratioToReference: 0.89 }), row('reference-login'), row('get-storm', { ratioToReference: 0.99, p99: 41 }), row('reference-storm', { p99: 40 })]
    assert.deepEqual(loginVerdicts(worse), [
      ['>= 0.9', false],
      ['>= 1', false],
      ['<= 1', false],
    ])
  })

  it('judge the logins without the storms, and the storms without the logins (BENCH_SCENARIOS)', () => {
    assert.deepEqual(loginVerdicts(logins), [['>= 0.9', true]])
    assert.deepEqual(loginVerdicts(storms), [
      ['>= 1', true],
      ['<= 1', true],
    ])
    assert.deepEqual(loginVerdicts([]), [])
  })
})
