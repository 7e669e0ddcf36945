/**
 * `npm run bench`: how express-user-router behaves under load, against real PostgreSQL and Redis.
 *
 * 1. seed `BENCH_USERS` users (100,000 by default) in a schema of the run's own, in one statement,
 *    with custom fields `tier` and `score`; build the reference's table of them; run the store's
 *    `migrate()` with the fields declared indexed on the full table (timed);
 *    start the server child (`bench/server.ts`); sign a few users in for tokens;
 * 2. one pass per connection count (`BENCH_CONNECTIONS`, 10 and 50): reference and authenticated
 *    GET interleaved, the list page without and with its total count, the lists on custom fields
 *    next to their reference, SMS sends, registrations, logins and the reference app's logins, the
 *    login storm with GETs measured during it, and the reference's storm with its reads measured
 *    during it (see `lib/pass.ts`; `BENCH_SCENARIOS` picks some);
 * 3. the last pass once more (`BENCH_REPEAT`): the same load again must not need more memory;
 * 4. the table, the server's RSS by pass and the verdicts, printed and written to
 *    `bench/results/latest.{json,md}` (or `BENCH_RESULTS_NAME`).
 *
 * The run is bounded (a watchdog aborts it), the child is stopped (or killed) at the end even on
 * failure, and the run's schema and Redis keys are removed.
 */
import { performance } from 'node:perf_hooks'
import { PostgresUserStore } from '../adapters/postgres/index.js'
import { libuvThreadpoolSize } from '../src/options-hash-concurrency.js'
import { parseOptions } from '../src/options.js'
import { PasswordHasher } from '../src/services/passwords.js'
import { abort, abortSignal, stopAllLoads } from './lib/abort.js'
import { BENCH_SMS_PER_IP_PER_HOUR, CLIENT_ID, PASSWORD, readSettings, runNames, type ScenarioGroup, usernameOf } from './lib/config.js'
import { createReferenceTable, migrateDeclared, tierCount, USERS_PER_TIER } from './lib/custom-fields.js'
import { customListSpecs } from './lib/custom-list-scenarios.js'
import { judge } from './lib/judge.js'
import { judgeCustomLists } from './lib/judge-custom-lists.js'
import { startMemorySampler } from './lib/memory.js'
import { runPass, type PassSettings } from './lib/pass.js'
import { machine, machineAtEnd, printReport, writeReport, type Report, type ScenarioRow } from './lib/report.js'
import { PATHS, scenarioSpecs } from './lib/scenarios.js'
import { ServerChild } from './lib/server-child.js'
import { checkServices, cleanUp, seedUsers } from './lib/services.js'

const log = (message: string) => console.log(`bench: ${message}`)

async function signIn(routerUrl: string, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await fetch(routerUrl + PATHS.login, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hydrogen-client-id': CLIENT_ID },
        body: JSON.stringify({ username: usernameOf(i), password: PASSWORD }),
        signal: AbortSignal.any([abortSignal, AbortSignal.timeout(60_000)]),
      })
      const body = (await response.json()) as { token?: string }
      if (response.status !== 201 || typeof body.token !== 'string') {
        throw new Error(`signing in ${usernameOf(i)} answered ${response.status}: ${JSON.stringify(body)}`)
      }
      return body.token
    }),
  )
}

/** One hash with the router's parameters, timed: what the event loop would stall for if hashing ran on it. */
async function timeOneHash(scrypt: { logN: number; r: number; p: number }): Promise<number> {
  const hasher = new PasswordHasher({ scrypt, maxConcurrent: 1, maxQueued: 0 })
  const start = performance.now()
  await hasher.hash('timing only')
  return performance.now() - start
}

/**
 * Seconds allowed for the reference app to finish the logins it still hashes once a load of them
 * stops (`lib/reference-drain.ts`): up to one per connection.
 */
const REFERENCE_DRAIN_SECONDS = 10

/** Seconds one pass spends on each scenario group, warm-ups and the reference's drains included. */
function groupSeconds(group: ScenarioGroup, seconds: number, warmup: number): number {
  switch (group) {
    case 'get':
      return 2 * (warmup + seconds)
    case 'list':
      return 2 * seconds
    case 'custom-list':
      return 2 * (warmup + seconds) + 2 * seconds
    case 'sms':
    case 'register':
      return seconds
    case 'login':
      // The router's logins, then the reference's.
      return 2 * seconds + REFERENCE_DRAIN_SECONDS
    case 'storm':
      // The router's storm, then the reference's.
      return 2 * (warmup + seconds) + REFERENCE_DRAIN_SECONDS
  }
}

/**
 * Seconds allowed for seeding, per 1,000 users, on top of the fixed allowance: the insert, the
 * reference's table and the migration with its backfill and index builds all grow with the users.
 */
const SETUP_SECONDS_PER_1000_USERS = 0.6

async function main(): Promise<number> {
  const settings = readSettings()
  const started = performance.now()
  const machineAtStart = machine()
  const passes: PassSettings[] = settings.connections.map((connections) => ({
    label: String(connections),
    connections,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    scenarios: settings.scenarios,
  }))
  const last = passes.at(-1)!
  if (settings.repeat) passes.push({ ...last, label: `${last.label} again` })
  // Every step is bounded; this bounds the whole run too, cleanup aside.
  const passSeconds = [...settings.scenarios].reduce((sum, group) => sum + groupSeconds(group, settings.seconds, settings.warmupSeconds), 40)
  const budgetSeconds = 180 + Math.ceil((settings.users / 1000) * SETUP_SECONDS_PER_1000_USERS) + passes.length * passSeconds
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
    const seedStart = performance.now()
    const ids = await seedUsers(settings.databaseUrl, schema, password.scrypt, PASSWORD, settings.users)
    const seedMs = performance.now() - seedStart
    log(`seeded ${ids.length} users in ${(seedMs / 1000).toFixed(1)} s`)
    const referenceTableMs = await createReferenceTable(settings.databaseUrl, schema)
    log(`reference table built in ${(referenceTableMs / 1000).toFixed(1)} s`)
    abortSignal.throwIfAborted()
    const migration = settings.indexedFields ? await migrateDeclared(settings.databaseUrl, schema) : null
    if (migration) log(`migrate() with tier and score declared took ${(migration.migrateMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(migration.vacuumMs / 1000).toFixed(1)} s`)
    else log('BENCH_INDEXED_FIELDS=0: the store declares no indexed fields')
    const hashMs = await timeOneHash(password.scrypt)
    abortSignal.throwIfAborted()

    child = await ServerChild.start(
      {
        databaseUrl: settings.databaseUrl,
        schema,
        redisUrl: settings.redisUrl,
        keyPrefix,
        clientId: CLIENT_ID,
        scryptLogN: settings.scryptLogN,
        maxConcurrentHashes: settings.maxConcurrentHashes,
        smsPerIpPerHour: BENCH_SMS_PER_IP_PER_HOUR,
        maxLifetimeMs: (budgetSeconds + 30) * 1000,
        indexedFields: settings.indexedFields,
      },
      abort,
    )
    log(`server child up: router ${child.routerUrl}, reference ${child.referenceUrl}`)
    const tokens = await signIn(child.routerUrl, settings.tokens)
    log(`${tokens.length} users signed in`)

    const target = { routerUrl: child.routerUrl, referenceUrl: child.referenceUrl, ids, tokens }
    const specs = { ...scenarioSpecs(target), ...customListSpecs(target) }
    let current = 'start'
    const sampler = startMemorySampler(child, () => current)
    const rows: ScenarioRow[] = []
    for (const pass of passes) {
      current = pass.label
      rows.push(...(await runPass(pass, child, specs)))
    }
    const memory = sampler.stop(settings.repeat ? { first: last.label, repeat: `${last.label} again` } : null)
    const verdicts = [...judge(rows, memory, settings.connections.map(String), hashMs, settings.users), ...judgeCustomLists(rows, settings.users)]
    const report: Report = {
      date: new Date().toISOString(),
      machine: machineAtEnd(machineAtStart),
      settings: {
        seconds: settings.seconds,
        warmupSeconds: settings.warmupSeconds,
        connections: settings.connections,
        repeat: settings.repeat,
        users: settings.users,
        tokens: settings.tokens,
        scryptLogN: password.scrypt.logN,
        scryptR: password.scrypt.r,
        scryptP: password.scrypt.p,
        maxConcurrentHashes: password.maxConcurrentHashes,
        passwordSettingsAreRouterDefaults: settings.scryptLogN === undefined && settings.maxConcurrentHashes === undefined,
        maxQueuedHashes: password.maxQueuedHashes,
        // The server child inherits the environment, so this pool size too.
        libuvThreadpoolSize: libuvThreadpoolSize(process.env.UV_THREADPOOL_SIZE),
        smsPerIpPerHour: BENCH_SMS_PER_IP_PER_HOUR,
        oneHashMsInBenchProcess: Math.round(hashMs),
        seedMs: Math.round(seedMs),
        scenarios: [...settings.scenarios],
        tiers: tierCount(settings.users),
        usersPerTier: USERS_PER_TIER,
        referenceTableMs,
        migrateMs: migration?.migrateMs ?? null,
        vacuumAfterMigrateMs: migration?.vacuumMs ?? null,
        redis: 'URL given to the router (its own ioredis client)',
        storage: 'PostgresUserStore with its own pool (connectionString)',
      },
      rows,
      memory,
      verdicts,
    }
    printReport(report)
    for (const path of writeReport(settings.resultsDir, report, settings.resultsName)) log(`wrote ${path}`)
    log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
    return 0
  } finally {
    clearTimeout(watchdog)
    stopAllLoads()
    await child?.stop().catch((error: unknown) => console.error('bench: stopping the server child:', error))
    const problems = await cleanUp(settings.databaseUrl, schema, settings.redisUrl, keyPrefix)
    for (const problem of problems) console.error(`bench: cleanup: ${problem}`)
    if (problems.length === 0) log(`dropped schema ${schema} and keys ${keyPrefix}*`)
  }
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
