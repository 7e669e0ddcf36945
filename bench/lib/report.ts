/**
 * The bench's results: one row per scenario, printed as a table and written to
 * `<resultsDir>/<name>.json` and `<name>.md` (`latest` unless `BENCH_RESULTS_NAME` says otherwise;
 * each through a `.tmp` file, renamed into place).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import type { LoopDelay } from './config.js'
import type { CustomListKey } from './custom-list-pass.js'
import type { LoadResult } from './load.js'
import type { MemorySummary } from './memory.js'

export type ScenarioKey =
  | 'reference'
  | 'get-idle'
  | 'list'
  | 'list-count'
  | 'sms'
  | 'register'
  | 'login'
  | 'login-storm'
  | 'get-storm'
  | 'reference-login'
  | 'reference-login-storm'
  | 'reference-storm'
  | CustomListKey

export interface ScenarioRow {
  key: ScenarioKey
  scenario: string
  /** The pass: its connection count, `again` for the repeated last pass. */
  pass: string
  connections: number
  seconds: number
  responses: number
  rps: number
  p50: number
  p90: number
  p99: number
  max: number
  /** 2xx throughput over the reference's in the same pass (its read, list, login or storm read: see `pass.ts`). */
  ratioToReference: number | null
  /** p99 over the idle read's p99 (the reads during a login storm only: the router's, and the reference's over its own). */
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
  /** Set when the report is made. */
  loadAverageAtEnd?: number[]
}

export interface Report {
  date: string
  machine: Machine
  settings: Record<string, unknown>
  rows: ScenarioRow[]
  memory: MemorySummary
  verdicts: Verdict[]
}

export interface Verdict {
  claim: string
  value: number
  target: string
  met: boolean
}

const loadAverage = () => os.loadavg().map((x) => Math.round(x * 100) / 100)

/** The machine, with its load average now (call at the start of the run). */
export function machine(): Machine {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: loadAverage(),
  }
}

/** The machine seen at the start, with the load average at the end added. */
export function machineAtEnd(atStart: Machine): Machine {
  return { ...atStart, loadAverageAtEnd: loadAverage() }
}

export function toRow(
  key: ScenarioKey,
  scenario: string,
  pass: string,
  result: LoadResult,
  loopDelay: LoopDelay,
  ratios: { toReference?: number; p99ToIdle?: number } = {},
): ScenarioRow {
  return {
    key,
    scenario,
    pass,
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
const ratio = (x: number | null) => (x === null ? '' : `${x.toFixed(x < 0.1 ? 3 : 2)}x`)

/** Rows measured while other requests run (the storms): the server's CPU is not theirs alone. */
const SHARED_CPU: ReadonlySet<ScenarioKey> = new Set(['login-storm', 'get-storm', 'reference-login-storm', 'reference-storm'])

/** The server's CPU time per answer, in microseconds; blank where it is shared, or was not kept. */
function cpuPerResponse(row: ScenarioRow): string {
  const cpu = row.loopDelay.cpuMicros as number | undefined
  return cpu === undefined || row.responses === 0 || SHARED_CPU.has(row.key) ? '' : (cpu / row.responses).toFixed(0)
}

const HEADERS = [
  'scenario',
  'conns',
  'req/s',
  'p50 ms',
  'p99 ms',
  'vs reference (req/s)',
  'p99 vs idle',
  'non-2xx',
  '503 busy',
  'errors',
  'loop p99 ms',
  'loop max ms',
  'CPU µs/req',
]

function cells(row: ScenarioRow): string[] {
  return [
    row.scenario,
    row.pass,
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
    cpuPerResponse(row),
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
  const end = m.loadAverageAtEnd ? `, at the end ${m.loadAverageAtEnd.join(' ')}` : ''
  return `${m.cpus} x ${m.model}, Node ${m.node}, ${m.platform}, load average (1, 5, 15 min) at start ${m.loadAverageAtStart.join(' ')}${end}; ${report.date}`
}

export function verdictLines(verdicts: Verdict[], words = { met: 'yes', missed: 'NO ' }): string[] {
  return verdicts.map((v) => `${v.met ? words.met : words.missed}  ${v.claim}: ${v.value.toFixed(2)} (target ${v.target})`)
}

function settingsLine(report: Report): string {
  const s = report.settings
  return (
    `${s.seconds} s per scenario (reference and idle GET in interleaved quarters, after ${s.warmupSeconds} s of warm-up each), ` +
    `${s.users} users seeded, SMS cap per IP and hour ${s.smsPerIpPerHour} (bench only; default 30), scrypt logN ${s.scryptLogN} r ${s.scryptR} p ${s.scryptP}, hashes at once: ${s.maxConcurrentHashes} of libuv's ${s.libuvThreadpoolSize} threads ` +
    `(${s.passwordSettingsAreRouterDefaults ? "the router's defaults" : "NOT the router's defaults"}; one hash took ${s.oneHashMsInBenchProcess} ms), ` +
    'PostgreSQL and Redis on loopback, server in a child process'
  )
}

/** The custom fields' setup: the store's declaration, and how long adding it to the full table took. */
function customFieldsLine(report: Report): string {
  const s = report.settings
  const declared =
    s.migrateMs === null
      ? 'the store declares NO indexed fields (BENCH_INDEXED_FIELDS=0): both are read from the profile'
      : `the store indexes both and (tier, -created_at); its migrate() on the seeded table took ${s.migrateMs} ms, VACUUM ANALYZE after it ${s.vacuumAfterMigrateMs} ms`
  return (
    `tier (${s.tiers} values, ${s.usersPerTier} users each) and score on every user; ${declared}; ` +
    `the reference's table with real columns took ${s.referenceTableMs} ms to build. Scenarios: ${(s.scenarios as string[]).join(', ')}`
  )
}

export function memoryLines(memory: MemorySummary): string[] {
  const passes = memory.passes.map((p) => `${p.pass}: max ${p.maxRssMiB} MiB, last ${p.lastRssMiB} MiB`).join('; ')
  const growth = memory.repeatGrowth
  return [
    `Server RSS by pass (sampled every second, ${memory.samples.length} samples): ${passes}.`,
    growth
      ? `Highest RSS of pass "${growth.repeat}" over that of pass "${growth.first}" (the same load again): ${growth.ratio.toFixed(2)}x.`
      : 'No repeated pass (BENCH_REPEAT=0): no memory verdict.',
  ]
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
    `Custom fields: ${customFieldsLine(report)}.`,
    '',
    row(HEADERS),
    row(HEADERS.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...report.rows.map((r) => row(cells(r))),
    '',
    'req/s counts 2xx answers; latencies are those of 2xx answers; "vs reference" is req/s over the',
    'reference\'s in the same pass. "loop" is the server\'s event-loop delay (how late a 10 ms timer',
    'fired) during the scenario; "CPU µs/req" the server process\'s CPU time (user + system) over the',
    'scenario per answer (blank for the storms, whose CPU the logins share). The list rows on custom fields and on created_at, and the leaderboard,',
    'are over the reference list of the same pass (its tier page and count); the logins (alone, and the',
    "storm's) over the reference's logins of the same kind; the GETs during the login storm over the",
    "reference's reads during its own storm; the others over the reference GET.",
    '',
    ...memoryLines(report.memory),
    '',
    ...verdictLines(report.verdicts, { met: 'met:', missed: '**NOT met:**' }).map((l) => `- ${l}`),
    '',
  ].join('\n')
}

export function writeReport(dir: string, report: Report, baseName = 'latest'): string[] {
  mkdirSync(dir, { recursive: true })
  const written: string[] = []
  for (const [name, text] of [
    [`${baseName}.json`, `${JSON.stringify(report, null, 2)}\n`],
    [`${baseName}.md`, markdown(report)],
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
  console.log(`Custom fields: ${customFieldsLine(report)}`)
  console.log('')
  console.log(textTable(report.rows))
  console.log('')
  for (const line of memoryLines(report.memory)) console.log(line)
  console.log('')
  for (const line of verdictLines(report.verdicts)) console.log(line)
}
