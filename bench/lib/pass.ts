/**
 * One pass of the bench: every selected scenario at one connection count, measured against the
 * reference of the same pass. Order: reference and authenticated GET (interleaved), the list page
 * without and with its total count, the lists on custom fields (`custom-list-pass.ts`), SMS sends,
 * registrations, logins, then the login storm with GETs measured during it.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { abortSignal, load, startTracked } from './abort.js'
import type { LoopDelay, ScenarioGroup } from './config.js'
import { type CustomListKey, runCustomLists } from './custom-list-pass.js'
import { mergeResults, type LoadResult, type LoadSpec } from './load.js'
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
    },
  }
}

const SCENARIOS: Record<Exclude<ScenarioKey, CustomListKey>, string> = {
  reference: 'reference: Redis GET + PG SELECT (plain Express)',
  'get-idle': 'GET /hserve/v2.2/user/info/:id/, idle',
  list: 'GET user list, gender filter, first page',
  'list-count': 'same, with return_total_count=1',
  sms: 'POST sms-verification-code, distinct phones',
  register: 'POST /hserve/v2.1/register/username/',
  login: 'POST /hserve/v2.1/login/username/, alone',
  'login-storm': 'POST login, the storm (whole storm)',
  'get-storm': 'GET /hserve/v2.2/user/info/:id/, during storm',
}

export async function runPass(pass: PassSettings, child: ServerChild, specs: ScenarioSpecs): Promise<ScenarioRow[]> {
  const { connections: c, seconds, warmupSeconds, scenarios: selected } = pass
  /** Runs a load and reads the child's event-loop delay over it. */
  const measure = async (spec: LoadSpec): Promise<Measured> => {
    child.resetLoop()
    const result = await load(spec)
    return { result, loop: await child.readLoop() }
  }
  const step = (what: string, secs: number) => log(`[${pass.label} connections] ${what}, ${secs} s`)
  const rows: ScenarioRow[] = []
  let reference: Measured | undefined
  let idle: Measured | undefined
  const add = (key: Exclude<ScenarioKey, CustomListKey>, { result, loop }: Measured) =>
    rows.push(
      toRow(key, SCENARIOS[key], pass.label, result, loop, {
        ...(key === 'reference' || !reference ? {} : { toReference: result.rps / reference.result.rps }),
        ...(key === 'get-storm' && idle ? { p99ToIdle: result.latency.p99 / idle.result.latency.p99 } : {}),
      }),
    )
  const runSimple = async (steps: [ScenarioGroup, Exclude<ScenarioKey, CustomListKey>, LoadSpec][]) => {
    for (const [group, key, spec] of steps) {
      if (!selected.has(group)) continue
      step(key, seconds)
      add(key, await measure(spec))
    }
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
    reference = merge('reference', referenceParts)
    idle = merge('get-idle', idleParts)
    add('reference', reference)
    add('get-idle', idle)
  }

  await runSimple([
    ['list', 'list', specs.list(false, c, seconds)],
    ['list', 'list-count', specs.list(true, c, seconds)],
  ])
  if (selected.has('custom-list')) rows.push(...(await runCustomLists(pass, specs, measure, step)))
  await runSimple([
    ['sms', 'sms', specs.sms(c, seconds)],
    ['register', 'register', specs.register(c, seconds)],
    ['login', 'login', specs.login('login', c, seconds)],
  ])

  if (selected.has('storm')) {
    step('login storm with authenticated GETs measured during it', warmupSeconds + seconds)
    const storm = startTracked(specs.login('login-storm', c, warmupSeconds + seconds + 30))
    let during: Measured
    try {
      // Let the storm fill the hashing slots and the queue before reads are measured.
      await sleep(warmupSeconds * 1000, undefined, { signal: abortSignal })
      during = await measure(specs.get('get-storm', c, seconds))
    } finally {
      storm.stop()
    }
    add('login-storm', { result: await storm.done, loop: during.loop })
    add('get-storm', during)
  }
  abortSignal.throwIfAborted()
  return rows
}
