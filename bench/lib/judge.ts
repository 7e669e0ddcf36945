/**
 * The targets the README states, checked against the run's figures. A verdict says the claim, the
 * measured value, the target and whether it was met; the README quotes only what these print.
 */
import { listP99TargetMs } from './judge-custom-lists.js'
import type { MemorySummary } from './memory.js'
import type { ScenarioKey, ScenarioRow, Verdict } from './report.js'

const STORM_P99_FACTOR = 3
/** The idle authenticated read against the reference read (one Redis GET + one primary-key SELECT). */
const REFERENCE_FRACTION = 0.9
/** Logins/s of the router over the reference app's, same users, same connections, same run. */
const LOGIN_REFERENCE_FRACTION = 0.9
const LIST_TARGET_CONNECTIONS = 10
/** The repeated pass may peak this much above its first run (collector timing) before it counts as growth. */
const RSS_GROWTH_LIMIT = 1.1

const READS: ScenarioKey[] = ['reference', 'get-idle', 'list', 'list-count', 'sms', 'get-storm', 'reference-storm']
const HASHING: ScenarioKey[] = ['register', 'login', 'login-storm']

export function judge(rows: ScenarioRow[], memory: MemorySummary, mainPasses: string[], hashMs: number, users: number): Verdict[] {
  const row = (key: ScenarioKey, pass: string) => rows.find((r) => r.key === key && r.pass === pass)
  const verdicts: Verdict[] = []
  for (const pass of mainPasses) {
    // Scenarios left out (BENCH_SCENARIOS) leave their verdicts out.
    const idle = row('get-idle', pass)
    const storm = row('get-storm', pass)
    if (idle) {
      verdicts.push({
        claim: `authenticated GET throughput (idle) over the reference's, ${pass} connections`,
        value: idle.ratioToReference!,
        target: `>= ${REFERENCE_FRACTION}`,
        met: idle.ratioToReference! >= REFERENCE_FRACTION,
      })
    }
    if (storm?.p99RatioToIdle != null) {
      verdicts.push({
        claim: `authenticated GET p99 during the login storm over its idle p99, ${pass} connections`,
        value: storm.p99RatioToIdle,
        target: `<= ${STORM_P99_FACTOR}`,
        met: storm.p99RatioToIdle <= STORM_P99_FACTOR,
      })
    }
  }
  verdicts.push(...loginVerdicts(row, mainPasses))
  // The target is the page itself; with return_total_count the count of every matching user comes
  // on top (a third of them here), shown in the table without a target.
  const list = row('list', String(LIST_TARGET_CONNECTIONS))
  if (list) {
    const p99Ms = listP99TargetMs(users)
    verdicts.push({
      claim: `list page (first 20 of a gender, newest first) p99 at ${LIST_TARGET_CONNECTIONS} connections, ${users} users, ms`,
      value: list.p99,
      target: `< ${p99Ms}`,
      met: list.p99 < p99Ms,
    })
  }
  if (memory.repeatGrowth) {
    verdicts.push({
      claim: `server RSS: highest in the repeated pass over highest in its first run (same load)`,
      value: memory.repeatGrowth.ratio,
      target: `<= ${RSS_GROWTH_LIMIT}`,
      met: memory.repeatGrowth.ratio <= RSS_GROWTH_LIMIT,
    })
  }
  const hashingRows = rows.filter((r) => HASHING.includes(r.key))
  if (hashingRows.length > 0) {
    const loopP99 = Math.max(...hashingRows.map((r) => r.loopDelay.p99))
    verdicts.push({
      claim: "the server's event-loop delay p99 while passwords were hashed, ms (hashing on the loop would stall it a whole hash)",
      value: loopP99,
      target: `< ${hashMs.toFixed(0)} ms, one hash`,
      met: loopP99 < hashMs,
    })
  }
  for (const r of rows) {
    const failed = READS.includes(r.key) ? r.non2xx : r.non2xx - r.busy503
    if (failed > 0 || r.errors > 0) {
      const what = READS.includes(r.key) ? 'answers that were not 2xx, or errors' : 'non-2xx answers other than 503 busy, or errors'
      verdicts.push({ claim: `${r.key} (${r.pass}): ${what}`, value: failed + r.errors, target: '0', met: false })
    }
  }
  return verdicts
}

/**
 * The router's logins against the reference app's, and its reads during its login storm against the
 * reference's reads during the reference's own storm: hashing fast must not cost the reads more
 * than it costs a plain app. The logins (`login` group) and the storms (`storm` group) are judged
 * each when they ran.
 */
function loginVerdicts(row: (key: ScenarioKey, pass: string) => ScenarioRow | undefined, mainPasses: string[]): Verdict[] {
  return mainPasses.flatMap((pass) => {
    const verdicts: Verdict[] = []
    const login = row('login', pass)
    if (login?.ratioToReference != null) {
      verdicts.push({
        claim: `logins/s over the reference app's logins/s (SELECT, scrypt, Redis SET), ${pass} connections`,
        value: login.ratioToReference,
        target: `>= ${LOGIN_REFERENCE_FRACTION}`,
        met: login.ratioToReference >= LOGIN_REFERENCE_FRACTION,
      })
    }
    const during = row('get-storm', pass)
    const referenceDuring = row('reference-storm', pass)
    if (during?.ratioToReference != null && referenceDuring) {
      const p99Ratio = during.p99 / referenceDuring.p99
      verdicts.push(
        {
          claim: `authenticated GET req/s during the login storm over the reference's reads during its own storm, ${pass} connections`,
          value: during.ratioToReference,
          target: '>= 1',
          met: during.ratioToReference >= 1,
        },
        {
          claim: `authenticated GET p99 during the login storm over the reference's read p99 during its own storm, ${pass} connections`,
          value: p99Ratio,
          target: '<= 1',
          met: p99Ratio <= 1,
        },
      )
    }
    return verdicts
  })
}
