import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { judgeCustomLists } from '../../bench/lib/judge-custom-lists.js'
import type { ScenarioRow } from '../../bench/lib/report.js'
import { scenarioRow } from './scenario-row.js'

function row(pass: string, figures: Partial<ScenarioRow>): ScenarioRow {
  return scenarioRow('custom-list', pass, { ratioToReference: 0.8, ...figures })
}

const met = (verdicts: ReturnType<typeof judgeCustomLists>) => verdicts.map((v) => [v.target, v.met])

describe('verdicts of the list on a custom field', () => {
  it('wants 0.6x the reference and a p99 under 25 ms at 10 connections up to 100,000 users, under 50 ms beyond', () => {
    assert.deepEqual(met(judgeCustomLists([row('10', { p99: 30, ratioToReference: 0.59 })], 100_000)), [
      ['>= 0.6', false],
      ['< 25', false],
    ])
    assert.deepEqual(met(judgeCustomLists([row('10', { p99: 30, ratioToReference: 0.6 })], 1_000_000)), [
      ['>= 0.6', true],
      ['< 50', true],
    ])
  })

  it('at 50 connections counts as failed any non-2xx but 503 busy, and every error or timeout', () => {
    const busyOnly = judgeCustomLists([row('50', { non2xx: 7, busy503: 7 })], 100_000)
    assert.deepEqual(
      busyOnly.map((v) => [v.value, v.met]),
      [[0, true]],
    )
    const failed = judgeCustomLists([row('50', { non2xx: 9, busy503: 7, errors: 3, timeouts: 3 })], 100_000)
    assert.deepEqual(
      failed.map((v) => [v.value, v.met]),
      [[5, false]],
    )
  })

  it('leaves out the verdicts of passes and scenarios not run', () => {
    assert.deepEqual(judgeCustomLists([row('20', {}), row('10', { key: 'list' })], 100_000), [])
  })
})
