/**
 * `npm run bench`: how express-user-router behaves under load, against real PostgreSQL and Redis.
 *
 * It shows that password hashing never blocks the event loop, and that authenticated reads stay fast
 * while logins keep every hashing slot busy. Steps (each measured scenario `BENCH_SECONDS`, default 10):
 *
 * 1. seed users through the store, all with one precomputed hash (the router's scrypt parameters);
 *    start the server child (`bench/server.ts`); sign a few users in for tokens;
 * 2. reference: a plain Express route doing one Redis GET + one primary-key SELECT;
 * 3. authenticated GET `/hserve/v2.2/user/info/:id/`, idle;
 * 4. login (POST `/hserve/v2.1/login/username/`), alone;
 * 5. the login storm (4 again) with authenticated GETs measured during it;
 * 6. the table, printed and written to `bench/results/latest.{json,md}`.
 *
 * The run is bounded (a watchdog aborts it), the child is stopped (or killed) at the end even on
 * failure, and the run's schema and Redis keys are removed.
 */
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { PostgresUserStore } from '../adapters/postgres/index.js'
import { parseOptions } from '../src/options.js'
import { PasswordHasher } from '../src/services/passwords.js'
import { CLIENT_ID, PASSWORD, readSettings, runNames, usernameOf, type BenchSettings, type LoopDelay } from './lib/config.js'
import { mergeResults, startLoad, type LoadResult, type LoadSpec, type RunningLoad } from './lib/load.js'
import { machine, printReport, toRow, writeReport, type Report, type ScenarioRow, type Verdict } from './lib/report.js'
import { ServerChild } from './lib/server-child.js'
import { checkServices, cleanUp, seedUsers } from './lib/services.js'

const GET_PATH = (id: number) => `/hserve/v2.2/user/info/${id}/`
const REFERENCE_PATH = (id: number) => `/reference/user/${id}`
const LOGIN_PATH = '/hserve/v2.1/login/username/'
const STORM_P99_FACTOR = 3
const REFERENCE_FRACTION = 0.7

const log = (message: string) => console.log(`bench: ${message}`)

/** Aborts the run (watchdog, signal, crashed child): stops the loads in flight; the next step throws. */
const aborter = new AbortController()
const activeLoads = new Set<RunningLoad>()
function abort(reason: Error): void {
  if (aborter.signal.aborted) return
  aborter.abort(reason)
  for (const load of activeLoads) load.stop()
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  aborter.signal.throwIfAborted()
  const running = startLoad(spec)
  activeLoads.add(running)
  try {
    return await running.done
  } finally {
    activeLoads.delete(running)
    aborter.signal.throwIfAborted()
  }
}

async function signIn(routerUrl: string, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await fetch(routerUrl + LOGIN_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hydrogen-client-id': CLIENT_ID },
        body: JSON.stringify({ username: usernameOf(i), password: PASSWORD }),
        signal: AbortSignal.any([aborter.signal, AbortSignal.timeout(60_000)]),
      })
      const body = (await response.json()) as { token?: string }
      if (response.status !== 201 || typeof body.token !== 'string') {
        throw new Error(`signing in ${usernameOf(i)} answered ${response.status}: ${JSON.stringify(body)}`)
      }
      return body.token
    }),
  )
}

async function main(): Promise<number> {
  const settings = readSettings()
  const started = performance.now()
  // Every step is bounded; this bounds the whole run too, cleanup aside.
  const budgetSeconds = 90 + 5 * settings.seconds + 3 * settings.warmupSeconds
  const watchdog = setTimeout(() => abort(new Error(`the run took longer than ${budgetSeconds} s: aborted`)), budgetSeconds * 1000)
  watchdog.unref()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort(new Error(`${signal}: aborted`)))

  log(`checking PostgreSQL (${settings.databaseUrl}) and Redis (${settings.redisUrl})`)
  await checkServices(settings.databaseUrl, settings.redisUrl)
  const { schema, keyPrefix } = runNames()
  const store = new PostgresUserStore({ connectionString: settings.databaseUrl, schema })
  // The router's own option parsing gives its password settings (defaults unless BENCH_SCRYPT_LOGN).
  const { password } = parseOptions({
    storage: store,
    clients: [CLIENT_ID],
    password: {
      ...(settings.scryptLogN === undefined ? {} : { scrypt: { logN: settings.scryptLogN } }),
      ...(settings.maxConcurrentHashes === undefined ? {} : { maxConcurrentHashes: settings.maxConcurrentHashes }),
    },
  })
  await store.close()

  let child: ServerChild | undefined
  try {
    log(`schema ${schema}, key prefix ${keyPrefix}; seeding ${settings.users} users (scrypt logN ${password.scrypt.logN}, one hash for all)`)
    const hashStart = performance.now()
    const ids = await seedUsers(settings.databaseUrl, schema, password.scrypt, PASSWORD, settings.users)
    const seedMs = performance.now() - hashStart
    const hashMs = await timeOneHash(password.scrypt)
    aborter.signal.throwIfAborted()

    child = await ServerChild.start(
      {
        databaseUrl: settings.databaseUrl,
        schema,
        redisUrl: settings.redisUrl,
        keyPrefix,
        clientId: CLIENT_ID,
        scryptLogN: settings.scryptLogN,
        maxConcurrentHashes: settings.maxConcurrentHashes,
        maxLifetimeMs: (budgetSeconds + 30) * 1000,
      },
      abort,
    )
    log(`server child up: router ${child.routerUrl}, reference ${child.referenceUrl}`)
    const tokens = await signIn(child.routerUrl, settings.tokens)
    log(`${tokens.length} users signed in`)

    const rows = await runScenarios(settings, child, ids, tokens)
    const verdicts = judge(rows, hashMs)
    const report: Report = {
      date: new Date().toISOString(),
      machine: machine(),
      settings: {
        seconds: settings.seconds,
        warmupSeconds: settings.warmupSeconds,
        connections: settings.connections,
        users: settings.users,
        tokens: settings.tokens,
        scryptLogN: password.scrypt.logN,
        scryptR: password.scrypt.r,
        scryptP: password.scrypt.p,
        maxConcurrentHashes: password.maxConcurrentHashes,
        passwordSettingsAreRouterDefaults: settings.scryptLogN === undefined && settings.maxConcurrentHashes === undefined,
        maxQueuedHashes: password.maxQueuedHashes,
        oneHashMsInBenchProcess: Math.round(hashMs),
        seedMs: Math.round(seedMs),
        redis: 'URL given to the router (its own ioredis client)',
        storage: 'PostgresUserStore with its own pool (connectionString)',
      },
      rows,
      verdicts,
    }
    printReport(report)
    for (const path of writeReport(settings.resultsDir, report)) log(`wrote ${path}`)
    log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
    return 0
  } finally {
    clearTimeout(watchdog)
    for (const running of activeLoads) running.stop()
    await child?.stop().catch((error: unknown) => console.error('bench: stopping the server child:', error))
    const problems = await cleanUp(settings.databaseUrl, schema, settings.redisUrl, keyPrefix)
    for (const problem of problems) console.error(`bench: cleanup: ${problem}`)
    if (problems.length === 0) log(`dropped schema ${schema} and keys ${keyPrefix}*`)
  }
}

/** One hash with the router's parameters, timed: what the event loop would stall for if hashing ran on it. */
async function timeOneHash(scrypt: { logN: number; r: number; p: number }): Promise<number> {
  const hasher = new PasswordHasher({ scrypt, maxConcurrent: 1, maxQueued: 0 })
  const start = performance.now()
  await hasher.hash('timing only')
  return performance.now() - start
}

interface Measured {
  result: LoadResult
  loop: LoopDelay
}

/**
 * One scenario measured in parts. Latencies are pooled; of the event-loop delay, the worst part's
 * p99 and max are kept (a conservative figure) and the parts' p50 averaged.
 */
function merge(title: string, parts: Measured[]): Measured {
  return {
    result: mergeResults(title, parts.map((p) => p.result)),
    loop: {
      p50: parts.reduce((a, p) => a + p.loop.p50, 0) / parts.length,
      p99: Math.max(...parts.map((p) => p.loop.p99)),
      max: Math.max(...parts.map((p) => p.loop.max)),
      samples: parts.reduce((a, p) => a + p.loop.samples, 0),
    },
  }
}

async function runScenarios(settings: BenchSettings, child: ServerChild, ids: number[], tokens: string[]): Promise<ScenarioRow[]> {
  const { connections, seconds, warmupSeconds } = settings
  const authHeaders = (n: number) => ({ 'x-hydrogen-client-id': CLIENT_ID, authorization: `Hydrogen-r1 ${tokens[n % tokens.length]}` })
  const getSpec = (title: string, secs: number): LoadSpec => ({
    title,
    url: child.routerUrl,
    connections,
    seconds: secs,
    request: (n) => ({ method: 'GET', path: GET_PATH(ids[n % ids.length]!), headers: authHeaders(n) }),
  })
  const referenceSpec = (secs: number): LoadSpec => ({
    title: 'reference',
    url: child.referenceUrl,
    connections,
    seconds: secs,
    request: (n) => ({ method: 'GET', path: REFERENCE_PATH(ids[n % ids.length]!), headers: authHeaders(n) }),
  })
  const loginSpec = (title: string, secs: number): LoadSpec => ({
    title,
    url: child.routerUrl,
    connections,
    seconds: secs,
    timeoutSeconds: 30,
    request: (n) => ({
      method: 'POST',
      path: LOGIN_PATH,
      headers: { 'content-type': 'application/json', 'x-hydrogen-client-id': CLIENT_ID },
      body: JSON.stringify({ username: usernameOf(n % ids.length), password: PASSWORD }),
    }),
  })
  /** Runs a load and reads the child's event-loop delay over it. */
  const measure = async (spec: LoadSpec): Promise<Measured> => {
    child.resetLoop()
    const result = await load(spec)
    return { result, loop: await child.readLoop() }
  }

  // The reference and the router's read are taken in halves, interleaved A B B A, after a warm-up
  // of each: a noisy machine's drift then weighs on both alike.
  log(`reference (Redis GET + PostgreSQL SELECT) and authenticated GET, idle, interleaved, ${connections} connections, ${2 * (warmupSeconds + seconds)} s`)
  await load(referenceSpec(warmupSeconds))
  await load(getSpec('get-warmup', warmupSeconds))
  const half = seconds / 2
  const referenceA = await measure(referenceSpec(half))
  const idleA = await measure(getSpec('get-idle', half))
  const idleB = await measure(getSpec('get-idle', half))
  const referenceB = await measure(referenceSpec(half))
  const reference = merge('reference', [referenceA, referenceB])
  const idle = merge('get-idle', [idleA, idleB])

  log(`login, ${connections} connections, ${seconds} s`)
  const login = await measure(loginSpec('login', seconds))

  log(`login storm (${connections} connections) with authenticated GETs (${connections} connections), ${warmupSeconds + seconds} s`)
  aborter.signal.throwIfAborted()
  const storm = startLoad(loginSpec('login-storm', warmupSeconds + seconds + 30))
  activeLoads.add(storm)
  let during: Measured
  let stormResult: LoadResult
  try {
    // Let the storm fill both hashing slots and the queue before reads are measured.
    await sleep(warmupSeconds * 1000, undefined, { signal: aborter.signal })
    during = await measure(getSpec('get-storm', seconds))
  } finally {
    storm.stop()
    stormResult = await storm.done
    activeLoads.delete(storm)
  }
  aborter.signal.throwIfAborted()

  const refRps = reference.result.rps
  return [
    toRow('reference', 'reference: Redis GET + PG SELECT (plain Express)', reference.result, reference.loop),
    toRow('get-idle', 'GET /hserve/v2.2/user/info/:id/, idle', idle.result, idle.loop, { toReference: idle.result.rps / refRps }),
    toRow('login', 'POST /hserve/v2.1/login/username/, alone', login.result, login.loop),
    toRow('login-storm', 'POST login, the storm (whole storm)', stormResult, during.loop),
    toRow('get-storm', 'GET /hserve/v2.2/user/info/:id/, during storm', during.result, during.loop, {
      toReference: during.result.rps / refRps,
      p99ToIdle: during.result.latency.p99 / idle.result.latency.p99,
    }),
  ]
}

function judge(rows: ScenarioRow[], hashMs: number): Verdict[] {
  const row = (key: ScenarioRow['key']) => rows.find((r) => r.key === key)!
  const idle = row('get-idle')
  const storm = row('get-storm')
  const logins = rows.filter((r) => r.key === 'login' || r.key === 'get-storm')
  const loopP99 = Math.max(...logins.map((r) => r.loopDelay.p99))
  const verdicts: Verdict[] = [
    {
      claim: 'authenticated GET p99 during the login storm, over its idle p99',
      value: storm.p99RatioToIdle!,
      target: `<= ${STORM_P99_FACTOR}`,
      met: storm.p99RatioToIdle! <= STORM_P99_FACTOR,
    },
    {
      claim: "the router's authenticated GET throughput (idle), over the reference's",
      value: idle.ratioToReference!,
      target: `>= ${REFERENCE_FRACTION}`,
      met: idle.ratioToReference! >= REFERENCE_FRACTION,
    },
    {
      claim: "the server's event-loop delay p99 while logins ran, ms (hashing on the loop would stall it a whole hash, most of the time)",
      value: loopP99,
      target: `< ${hashMs.toFixed(0)} ms, one hash`,
      met: loopP99 < hashMs,
    },
  ]
  for (const key of ['reference', 'get-idle', 'get-storm'] as const) {
    if (row(key).non2xx > 0 || row(key).errors > 0) {
      verdicts.push({ claim: `${key}: answers that were not 2xx, or errors (a read should never fail)`, value: row(key).non2xx + row(key).errors, target: '0', met: false })
    }
  }
  for (const key of ['login', 'login-storm'] as const) {
    const failed = row(key).non2xx - row(key).busy503
    if (failed > 0 || row(key).errors > 0) {
      verdicts.push({ claim: `${key}: non-2xx answers other than 503 busy, or errors`, value: failed + row(key).errors, target: '0', met: false })
    }
  }
  return verdicts
}

main()
  .then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      console.error(`bench: FAILED: ${error instanceof Error ? error.message : String(error)}`)
      if (error instanceof Error && error.cause) console.error(error.cause)
      process.exitCode = 1
    },
  )
  .finally(() => {
    // Everything is closed by now; should a stray handle remain, do not wait for it.
    setTimeout(() => process.exit(), 5000).unref()
  })
