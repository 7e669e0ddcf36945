/** A bench table row with plausible figures, for the verdict tests: each test sets what it judges. */
import type { ScenarioKey, ScenarioRow } from '../../bench/lib/report.js'

export function scenarioRow(key: ScenarioKey, pass: string, figures: Partial<ScenarioRow> = {}): ScenarioRow {
  return {
    key,
    scenario: key,
    pass,
    connections: Number(pass),
    seconds: 10,
    responses: 1000,
    rps: 100,
    p50: 5,
    p90: 10,
    p99: 20,
    max: 30,
    ratioToReference: null,
    p99RatioToIdle: null,
    non2xx: 0,
    busy503: 0,
    statusCounts: { 200: 1000 },
    errors: 0,
    timeouts: 0,
    loopDelay: { p50: 0, p99: 0, max: 0, samples: 0, cpuMicros: 0 },
    ...figures,
  }
}
