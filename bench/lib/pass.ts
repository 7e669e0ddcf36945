/**
 * One pass of the bench: every selected scenario at one connection count, measured against the
 * reference of the same pass. Order: reference and authenticated GET (interleaved), the list page
 * without and with its total count, the lists on custom fields (`custom-list-pass.ts`), SMS sends,
 * registrations, logins, the reference's logins, then the login storm with GETs measured during it,
 * and the same storm on the reference app.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { abortSignal, load, startTracked } from './abort.js'
import type { LoopDelay, ScenarioGroup } from './config.js'
import { type CustomListKey, runCustomLists } from './custom-list-pass.js'
import { mergeResults, type LoadResult, type LoadSpec } from './load.js'
import { waitForReferenceLogins } from './reference-drain.js'
import { toRow, type ScenarioKey, type ScenarioRow } from './report.js'
import type { ScenarioSpecs } from './scenarios.js'
import type { ServerChild } from './server-child.js'

export interface PassSettings {
  /** Names the pass in the table (`10`, `50`, `50 again`). */
  label: string
  connections: number
  seconds: number
  warmupSeconds: number
  /** The scenario groups to run (`BENCH_SCENARIOS`). */
  scenarios: ReadonlySet<ScenarioGroup>
}

export interface Measured {
  result: LoadResult
  loop: LoopDelay
}

const log = (message: string) => console.log(`bench: ${message}`)

/**
 * One scenario measured in parts. Latencies are pooled; of the event-loop delay, the worst part's
 * p99 and max are kept (a conservative figure) and the parts' p50 averaged.
 */
export function merge(title: string, parts: Measured[]): Measured {
  return {
    result: mergeResults(
      title,
      parts.map((p) => p.result),
    ),
    loop: {
      p50: parts.reduce((a, p) => a + p.loop.p50, 0) / parts.length,
      p99: Math.max(...parts.map((p) => p.loop.p99)),
      max: Math.max(...parts.map((p) => p.loop.max)),
      samples: parts.reduce((a, p) => a + p.loop.samples, 0),
      cpuMicros: parts.reduce((a, p) => a + p.loop.cpuMicros, 0),
    },
  }
}

/** The scenarios this file measures itself (the custom lists make their own rows). */
type SimpleKey = Exclude<ScenarioKey, CustomListKey>

const SCENARIOS: Record<SimpleKey, string> = {
  reference: 'reference: Redis GET + PG SELECT (plain Express)',
  'get-idle': 'GET /hserve/v2.2/user/info/:id/, idle',
  list: 'GET user list, gender filter, first page',
  'list-count': 'same, with return_total_count=1',
  sms: 'POST sms-verification-code, distinct phones',
  register: 'POST /hserve/v2.1/register/username/',
  login: 'POST /hserve/v2.1/login/username/, alone',
  'login-storm': 'POST login, the storm (whole storm)',
  'get-storm': 'GET /hserve/v2.2/user/info/:id/, during storm',
  'reference-login': 'reference: POST login (SELECT, scrypt, Redis SET)',
  'reference-login-storm': 'reference: POST login, its storm (whole storm)',
  'reference-storm': 'reference: GET during its login storm',
}

/**
 * The row a scenario's req/s is set against, when not the reference read: a login against the
 * reference's login of the same kind, the reads during the login storm against the reference's reads
 * during its own storm.
 */
const COMPARED_WITH: Partial<Record<SimpleKey, SimpleKey>> = {
  login: 'reference-login',
  'login-storm': 'reference-login-storm',
  'get-storm': 'reference-storm',
}
/** The reference app's own rows: no ratio. */
const REFERENCE_ROWS = new Set<SimpleKey>(['reference', 'reference-login', 'reference-login-storm', 'reference-storm'])
/** The reads during a login storm, and the same app's idle read their p99 is set against. */
const IDLE_OF: Partial<Record<SimpleKey, SimpleKey>> = { 'get-storm': 'get-idle', 'reference-storm': 'reference' }

export async function runPass(pass: PassSettings, child: ServerChild, specs: ScenarioSpecs): Promise<ScenarioRow[]> {
  const { connections: c, seconds, warmupSeconds, scenarios: selected } = pass
  /** Runs a load and reads the child's event-loop delay over it. */
  const measure = async (spec: LoadSpec): Promise<Measured> => {
    child.resetLoop()
    const result = await load(spec)
    return { result, loop: await child.readLoop() }
  }
  const step = (what: string, secs: number) => log(`[${pass.label} connections] ${what}, ${secs} s`)
  // In the order run: a scenario of this file (its row made at the end, once the row it is set
  // against is measured: the router's login runs before the reference's) or the custom lists' rows.
  const order: (SimpleKey | ScenarioRow[])[] = []
  const measured = new Map<SimpleKey, Measured>()
  const add = (key: SimpleKey, result: Measured) => {
    measured.set(key, result)
    order.push(key)
  }
  const runSimple = async (steps: [ScenarioGroup, SimpleKey, LoadSpec][]) => {
    for (const [group, key, spec] of steps) {
      if (!selected.has(group)) continue
      step(key, seconds)
      add(key, await measure(spec))
    }
  }
  /** Logins at the pass's connection count; after the warm-up, reads measured while they go on. */
  const storm = async (logins: LoadSpec, reads: LoadSpec): Promise<[Measured, Measured]> => {
    const running = startTracked(logins)
    let during: Measured
    try {
      // Let the storm fill the hashing slots and the queue before reads are measured.
      await sleep(warmupSeconds * 1000, undefined, { signal: abortSignal })
      during = await measure(reads)
    } finally {
      running.stop()
    }
    return [{ result: await running.done, loop: during.loop }, during]
  }

  if (selected.has('get')) {
    // The reference and the router's read are taken in quarters, interleaved A B B A A B B A, after a
    // warm-up of each: a noisy machine's drift and bursts then weigh on both alike.
    step('reference and authenticated GET, interleaved', 2 * (warmupSeconds + seconds))
    await load(specs.reference(c, warmupSeconds))
    await load(specs.get('get-warmup', c, warmupSeconds))
    const quarter = seconds / 4
    const referenceParts: Measured[] = []
    const idleParts: Measured[] = []
    for (let round = 0; round < 2; round++) {
      referenceParts.push(await measure(specs.reference(c, quarter)))
      idleParts.push(await measure(specs.get('get-idle', c, quarter)))
      idleParts.push(await measure(specs.get('get-idle', c, quarter)))
      referenceParts.push(await measure(specs.reference(c, quarter)))
    }
    add('reference', merge('reference', referenceParts))
    add('get-idle', merge('get-idle', idleParts))
  }

  await runSimple([
    ['list', 'list', specs.list(false, c, seconds)],
    ['list', 'list-count', specs.list(true, c, seconds)],
  ])
  if (selected.has('custom-list')) order.push(await runCustomLists(pass, specs, measure, step))
  await runSimple([
    ['sms', 'sms', specs.sms(c, seconds)],
    ['register', 'register', specs.register(c, seconds)],
    ['login', 'login', specs.login('login', c, seconds)],
    ['login', 'reference-login', specs.referenceLogin('reference-login', c, seconds)],
  ])
  if (selected.has('login')) await waitForReferenceLogins(child.referenceUrl)

  if (selected.has('storm')) {
    const stormSeconds = warmupSeconds + seconds + 30
    step('login storm with authenticated GETs measured during it', warmupSeconds + seconds)
    const [logins, during] = await storm(specs.login('login-storm', c, stormSeconds), specs.get('get-storm', c, seconds))
    add('login-storm', logins)
    add('get-storm', during)
    abortSignal.throwIfAborted()

    step("the reference's login storm with its reads measured during it", warmupSeconds + seconds)
    const [referenceLogins, referenceDuring] = await storm(specs.referenceLogin('reference-login-storm', c, stormSeconds), specs.reference(c, seconds))
    add('reference-login-storm', referenceLogins)
    add('reference-storm', referenceDuring)
    await waitForReferenceLogins(child.referenceUrl)
  }
  abortSignal.throwIfAborted()

  // A ratio is left out when what it is set against was not run (BENCH_SCENARIOS).
  const rowOf = (key: SimpleKey): ScenarioRow => {
    const { result, loop } = measured.get(key)!
    const against = REFERENCE_ROWS.has(key) ? undefined : measured.get(COMPARED_WITH[key] ?? 'reference')
    const idleKey = IDLE_OF[key]
    const idle = idleKey && measured.get(idleKey)
    return toRow(key, SCENARIOS[key], pass.label, result, loop, {
      ...(against ? { toReference: result.rps / against.result.rps } : {}),
      ...(idle ? { p99ToIdle: result.latency.p99 / idle.result.latency.p99 } : {}),
    })
  }
  return order.flatMap((entry) => (typeof entry === 'string' ? [rowOf(entry)] : entry))
}
