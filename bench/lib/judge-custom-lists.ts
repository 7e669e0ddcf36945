/**
 * The targets of the list on a declared custom field (`where={"tier":n}`, newest first, with its
 * count): near the reference app whose `tier` is a real indexed column, a bounded p99, and no
 * failed request under 50 connections.
 */
import type { ScenarioRow, Verdict } from './report.js'

const REFERENCE_FRACTION = 0.6
const TARGET_CONNECTIONS = '10'
const LOAD_CONNECTIONS = '50'
/** Up to 100,000 users a list page must take under 25 ms at p99; beyond, up to 1,000,000, under 50 ms. */
export function listP99TargetMs(users: number): number {
  return users <= 100_000 ? 25 : 50
}

export function judgeCustomLists(rows: ScenarioRow[], users: number): Verdict[] {
  const row = (pass: string) => rows.find((r) => r.key === 'custom-list' && r.pass === pass)
  const verdicts: Verdict[] = []
  const atTarget = row(TARGET_CONNECTIONS)
  if (atTarget) {
    const p99Ms = listP99TargetMs(users)
    verdicts.push(
      {
        claim: `custom-field list (where tier, newest first, count) throughput over the reference list's, ${TARGET_CONNECTIONS} connections`,
        value: atTarget.ratioToReference!,
        target: `>= ${REFERENCE_FRACTION}`,
        met: atTarget.ratioToReference! >= REFERENCE_FRACTION,
      },
      {
        claim: `custom-field list p99 at ${TARGET_CONNECTIONS} connections, ${users} users, ms`,
        value: atTarget.p99,
        target: `< ${p99Ms}`,
        met: atTarget.p99 < p99Ms,
      },
    )
  }
  const underLoad = row(LOAD_CONNECTIONS)
  if (underLoad) {
    // 503 `busy` is the router shedding load as designed; anything else not 2xx, and every
    // connection error or timeout, is a failed request.
    const failed = underLoad.non2xx - underLoad.busy503 + underLoad.errors
    verdicts.push({
      claim: `custom-field list at ${LOAD_CONNECTIONS} connections: failed requests (non-2xx but 503 busy, errors, timeouts)`,
      value: failed,
      target: '0',
      met: failed === 0,
    })
  }
  return verdicts
}
