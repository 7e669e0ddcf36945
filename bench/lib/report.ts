/**
 * The bench's results: one row per scenario, printed as a table and written to
 * `<resultsDir>/latest.json` and `latest.md` (each through a `.tmp` file, renamed into place).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import type { LoopDelay } from './config.js'
import type { LoadResult } from './load.js'

export interface ScenarioRow {
  key: 'reference' | 'get-idle' | 'login' | 'login-storm' | 'get-storm'
  scenario: string
  connections: number
  seconds: number
  responses: number
  rps: number
  p50: number
  p90: number
  p99: number
  max: number
  /** 2xx throughput of an authenticated read over the reference's (read rows only). */
  ratioToReference: number | null
  /** p99 over the idle read's p99 (the read during the storm only). */
  p99RatioToIdle: number | null
  non2xx: number
  /** 503 answers (`busy`: the login queue's back-pressure), also counted in non2xx. */
  busy503: number
  statusCounts: Record<string, number>
  errors: number
  timeouts: number
  /** The server child's event-loop delay during the scenario. */
  loopDelay: LoopDelay
}

export interface Machine {
  cpus: number
  model: string
  node: string
  platform: string
  totalMemoryGiB: number
  loadAverageAtStart: number[]
}

export interface Report {
  date: string
  machine: Machine
  settings: Record<string, unknown>
  rows: ScenarioRow[]
  verdicts: Verdict[]
}

export interface Verdict {
  claim: string
  value: number
  target: string
  met: boolean
}

export function machine(): Machine {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  }
}

export function toRow(
  key: ScenarioRow['key'],
  scenario: string,
  result: LoadResult,
  loopDelay: LoopDelay,
  ratios: { toReference?: number; p99ToIdle?: number } = {},
): ScenarioRow {
  return {
    key,
    scenario,
    connections: result.connections,
    seconds: result.seconds,
    responses: result.responses,
    rps: result.rps,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    ratioToReference: ratios.toReference ?? null,
    p99RatioToIdle: ratios.p99ToIdle ?? null,
    non2xx: result.non2xx,
    busy503: result.statusCounts['503'] ?? 0,
    statusCounts: result.statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    loopDelay,
  }
}

const ms = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0))
const ratio = (x: number | null) => (x === null ? '' : `${x.toFixed(2)}x`)

const HEADERS = ['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'vs reference (req/s)', 'p99 vs idle', 'non-2xx', '503 busy', 'errors', 'loop p99 ms', 'loop max ms']

function cells(row: ScenarioRow): string[] {
  return [
    row.scenario,
    String(row.connections),
    row.rps < 100 ? row.rps.toFixed(1) : row.rps.toFixed(0),
    ms(row.p50),
    ms(row.p99),
    ratio(row.ratioToReference),
    ratio(row.p99RatioToIdle),
    String(row.non2xx),
    String(row.busy503),
    String(row.errors),
    ms(row.loopDelay.p99),
    ms(row.loopDelay.max),
  ]
}

export function textTable(rows: ScenarioRow[]): string {
  const all = [HEADERS, ...rows.map(cells)]
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => r[i]!.length)))
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(cells).map(line)].join('\n')
}

function machineLine(report: Report): string {
  const m = report.machine
  return `${m.cpus} x ${m.model}, Node ${m.node}, ${m.platform}, load average at start ${m.loadAverageAtStart.join(' ')}; ${report.date}`
}

export function verdictLines(verdicts: Verdict[], words = { met: 'yes', missed: 'NO ' }): string[] {
  return verdicts.map((v) => `${v.met ? words.met : words.missed}  ${v.claim}: ${v.value.toFixed(2)} (target ${v.target})`)
}

function settingsLine(report: Report): string {
  const s = report.settings
  return (
    `${s.seconds} s per scenario (reference and idle GET in interleaved halves, after ${s.warmupSeconds} s of warm-up each), ` +
    `${s.users} users, scrypt logN ${s.scryptLogN} r ${s.scryptR} p ${s.scryptP}, hashes at once: ${s.maxConcurrentHashes} ` +
    `(${s.passwordSettingsAreRouterDefaults ? "the router's defaults" : "NOT the router's defaults"}; one hash took ${s.oneHashMsInBenchProcess} ms), ` +
    'PostgreSQL and Redis on loopback, server in a child process'
  )
}

export function markdown(report: Report): string {
  const row = (r: string[]) => `| ${r.join(' | ')} |`
  return [
    '# express-user-router benchmark (latest run)',
    '',
    `Machine: ${machineLine(report)}.`,
    '',
    `Settings: ${settingsLine(report)}.`,
    '',
    row(HEADERS),
    row(HEADERS.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...report.rows.map((r) => row(cells(r))),
    '',
    'req/s counts 2xx answers; latencies are those of 2xx answers. "loop" is the server\'s event-loop delay',
    '(how late a 10 ms timer fired) during the scenario.',
    '',
    ...verdictLines(report.verdicts, { met: 'met:', missed: '**NOT met:**' }).map((l) => `- ${l}`),
    '',
  ].join('\n')
}

export function writeReport(dir: string, report: Report): string[] {
  mkdirSync(dir, { recursive: true })
  const written: string[] = []
  for (const [name, text] of [
    ['latest.json', `${JSON.stringify(report, null, 2)}\n`],
    ['latest.md', markdown(report)],
  ] as const) {
    const path = join(dir, name)
    writeFileSync(`${path}.tmp`, text)
    renameSync(`${path}.tmp`, path)
    written.push(path)
  }
  return written
}

export function printReport(report: Report): void {
  console.log('')
  console.log(`Machine: ${machineLine(report)}`)
  console.log(`Settings: ${settingsLine(report)}`)
  console.log('')
  console.log(textTable(report.rows))
  console.log('')
  for (const line of verdictLines(report.verdicts)) console.log(line)
}
