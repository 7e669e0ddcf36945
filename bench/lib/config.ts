/**
 * Settings of `npm run bench`, read once from the environment, and what the bench process passes
 * to its server child (one JSON environment variable).
 */
import { randomBytes } from 'node:crypto'

export interface BenchSettings {
  /** PostgreSQL to run against (`BENCH_DATABASE_URL`, then `TEST_DATABASE_URL`). */
  databaseUrl: string
  /** Redis to run against (`BENCH_REDIS_URL`, then `TEST_REDIS_URL`). */
  redisUrl: string
  /** Seconds each measured scenario runs (`BENCH_SECONDS`, default 10). */
  seconds: number
  /** Seconds of discarded load before each GET scenario, and of login load before the storm's GETs start (`BENCH_WARMUP_SECONDS`, default 2). */
  warmupSeconds: number
  /** The connection counts: every scenario runs at each (`BENCH_CONNECTIONS`, default `10,50`). */
  connections: number[]
  /** Whether the last pass runs once more, for the memory check (`BENCH_REPEAT`, default 1; 0 skips it). */
  repeat: boolean
  /** Users seeded (`BENCH_USERS`, default 100000). */
  users: number
  /** Users signed in before the runs, whose tokens the GET scenarios use (`BENCH_TOKENS`, default 20). */
  tokens: number
  /**
   * scrypt logN of the router (`BENCH_SCRYPT_LOGN`). Unset: the router's default (15), which is what
   * the published figures use; a lower value is only for a quick try of the bench itself.
   */
  scryptLogN: number | undefined
  /** The router's `password.maxConcurrentHashes` (`BENCH_MAX_CONCURRENT_HASHES`). Unset: its default (half the cores, at most 2). */
  maxConcurrentHashes: number | undefined
  /** Where `latest.json` and `latest.md` go (`BENCH_RESULTS_DIR`, default `bench/results`). */
  resultsDir: string
  /** The results' file name without extension (`BENCH_RESULTS_NAME`, default `latest`), e.g. a name of its own for a 1M-user run. */
  resultsName: string
  /** The scenario groups each pass runs (`BENCH_SCENARIOS`, comma-separated; default all). */
  scenarios: ReadonlySet<ScenarioGroup>
  /** Whether the store declares `tier` and `score` as indexed fields (`BENCH_INDEXED_FIELDS`, default 1; 0: custom fields are read from the profile). */
  indexedFields: boolean
}

/**
 * What `BENCH_SCENARIOS` can name: `get` (reference and authenticated GET, interleaved), `list` (the
 * gender list, without and with its count), `sms`, `register`, `login` (the router's logins, then
 * the reference's), `storm` (the login storm and the GETs measured during it, then the reference's
 * storm and its reads) and `custom-list` (the lists on the custom field `tier`, their reference,
 * the same on a built-in column, and the `score` leaderboard).
 */
export const SCENARIO_GROUPS = ['get', 'list', 'sms', 'register', 'login', 'storm', 'custom-list'] as const
export type ScenarioGroup = (typeof SCENARIO_GROUPS)[number]

/** What the server child needs; passed as JSON in `BENCH_SERVER_CONFIG`. */
export interface ServerConfig {
  databaseUrl: string
  schema: string
  redisUrl: string
  keyPrefix: string
  clientId: string
  scryptLogN: number | undefined
  maxConcurrentHashes: number | undefined
  /** SMS codes one IP may request per hour: the bench sends from one address, so far above the default. */
  smsPerIpPerHour: number
  /** The child exits by itself after this long, whatever happens to the bench process. */
  maxLifetimeMs: number
  /** Whether the router's store declares the custom fields indexed (as the seeding store did). */
  indexedFields: boolean
}

export const SERVER_CONFIG_ENV = 'BENCH_SERVER_CONFIG'
export const CLIENT_ID = 'bench'
/** Every seeded user has this password (and so the same precomputed hash). */
export const PASSWORD = 'bench password 0123'
/** Seeded user i is `bench-user-<i>`. */
export const USERNAME_PREFIX = 'bench-user-'
export const usernameOf = (index: number) => `${USERNAME_PREFIX}${index}`
/** The server's per-IP SMS cap during the bench (the default, 30 an hour, would stop it at once). */
export const BENCH_SMS_PER_IP_PER_HOUR = 100_000_000

/** Messages between the bench process and its server child. */
export type ToServer = { type: 'loop-reset' } | { type: 'loop-read'; id: number } | { type: 'memory-read'; id: number } | { type: 'shutdown' }
export type FromServer =
  | { type: 'ready'; routerPort: number; referencePort: number }
  | { type: 'loop'; id: number; delay: LoopDelay }
  | { type: 'memory'; id: number; memory: MemoryUse }
  | { type: 'fatal'; message: string }

/** The server child's memory, in bytes (`process.memoryUsage()`). */
export interface MemoryUse {
  rss: number
  heapUsed: number
}

/** Event-loop delay of the server child over a phase: how late its timers fired, in milliseconds. */
export interface LoopDelay {
  p50: number
  p99: number
  max: number
  samples: number
  /**
   * CPU time the server process used over the phase (user + system, microseconds): work per request
   * that the machine's other load does not change the way it changes throughput.
   */
  cpuMicros: number
}

function positiveInteger(name: string, fallback: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} must be a whole number from 1 to ${max} (got ${JSON.stringify(raw)})`)
  }
  return value
}

function connectionCounts(): number[] {
  const raw = process.env.BENCH_CONNECTIONS || '10,50'
  const counts = raw.split(',').map((part) => Number(part.trim()))
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 1000)) {
    throw new Error(`BENCH_CONNECTIONS must be whole numbers from 1 to 1000, comma-separated (got ${JSON.stringify(raw)})`)
  }
  return counts
}

function scenarioGroups(): ReadonlySet<ScenarioGroup> {
  const raw = process.env.BENCH_SCENARIOS
  if (raw === undefined || raw.trim() === '') return new Set(SCENARIO_GROUPS)
  const names = raw.split(',').map((part) => part.trim())
  const unknown = names.filter((name) => !(SCENARIO_GROUPS as readonly string[]).includes(name))
  if (unknown.length > 0) throw new Error(`BENCH_SCENARIOS names unknown scenarios ${JSON.stringify(unknown)} (known: ${SCENARIO_GROUPS.join(', ')})`)
  return new Set(names as ScenarioGroup[])
}

function resultsName(): string {
  const raw = process.env.BENCH_RESULTS_NAME || 'latest'
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(raw)) throw new Error(`BENCH_RESULTS_NAME must be a file name of letters, digits, - and _ (got ${JSON.stringify(raw)})`)
  return raw
}

function flag(name: string, fallback: boolean): boolean {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  if (raw !== '0' && raw !== '1') throw new Error(`${name} must be 0 or 1 (got ${JSON.stringify(raw)})`)
  return raw === '1'
}

export function readSettings(): BenchSettings {
  const optional = (name: string, max: number) => (process.env[name] ? positiveInteger(name, 1, max) : undefined)
  const settings: BenchSettings = {
    databaseUrl: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test',
    redisUrl: process.env.BENCH_REDIS_URL || process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
    seconds: positiveInteger('BENCH_SECONDS', 10, 120),
    warmupSeconds: positiveInteger('BENCH_WARMUP_SECONDS', 2, 30),
    connections: connectionCounts(),
    repeat: process.env.BENCH_REPEAT !== '0',
    users: positiveInteger('BENCH_USERS', 100_000, 1_000_000),
    tokens: positiveInteger('BENCH_TOKENS', 20, 1000),
    scryptLogN: optional('BENCH_SCRYPT_LOGN', 20),
    maxConcurrentHashes: optional('BENCH_MAX_CONCURRENT_HASHES', 64),
    resultsDir: process.env.BENCH_RESULTS_DIR || 'bench/results',
    resultsName: resultsName(),
    scenarios: scenarioGroups(),
    indexedFields: flag('BENCH_INDEXED_FIELDS', true),
  }
  if (settings.tokens > settings.users) throw new Error('BENCH_TOKENS must not exceed BENCH_USERS')
  if (settings.scryptLogN !== undefined && settings.scryptLogN < 4) throw new Error('BENCH_SCRYPT_LOGN must be at least 4')
  for (const [name, url] of [
    ['database', settings.databaseUrl],
    ['Redis', settings.redisUrl],
  ] as const) {
    const host = new URL(url).hostname
    if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
      throw new Error(`the ${name} URL must point at loopback (127.0.0.1, localhost or ::1): the bench only loads local targets (got ${host})`)
    }
  }
  return settings
}

/** A fresh schema name and key prefix for one run (both removed at its end). */
export function runNames(): { schema: string; keyPrefix: string } {
  const id = randomBytes(4).toString('hex')
  return { schema: `bench_${id}`, keyPrefix: `bench:${id}:` }
}
