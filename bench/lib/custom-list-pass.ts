/**
 * The list scenarios on custom fields within one pass: the reference's tier page and the router's,
 * warmed up and then taken in interleaved quarters (A B B A A B B A) as the GETs are; then the same
 * list on a built-in column and the leaderboard. Their "vs reference" is over the reference list of
 * the same pass.
 */
import { load } from './abort.js'
import type { CustomListSpecs } from './custom-list-scenarios.js'
import type { LoadSpec } from './load.js'
import { merge, type Measured, type PassSettings } from './pass.js'
import { toRow, type ScenarioRow } from './report.js'

export type CustomListKey = 'reference-list' | 'custom-list' | 'builtin-list' | 'leaderboard'

export const CUSTOM_LIST_SCENARIOS: Record<CustomListKey, string> = {
  'reference-list': 'reference: Redis GET + tier page + count (tier an indexed column)',
  'custom-list': 'GET user list, where tier (custom), newest first, count',
  'builtin-list': 'same on created_at (1,000 users in a window)',
  leaderboard: 'GET user list, order_by=-score (custom), first page',
}

type Spec = (connections: number, seconds: number) => LoadSpec

/** A and B warmed up, then measured in quarters A B B A A B B A. */
async function interleaved(measure: (spec: LoadSpec) => Promise<Measured>, a: Spec, b: Spec, pass: PassSettings): Promise<[Measured, Measured]> {
  const { connections: c, seconds, warmupSeconds } = pass
  await load(a(c, warmupSeconds))
  await load(b(c, warmupSeconds))
  const quarter = seconds / 4
  const partsA: Measured[] = []
  const partsB: Measured[] = []
  for (let round = 0; round < 2; round++) {
    partsA.push(await measure(a(c, quarter)))
    partsB.push(await measure(b(c, quarter)))
    partsB.push(await measure(b(c, quarter)))
    partsA.push(await measure(a(c, quarter)))
  }
  return [merge(partsA[0]!.result.title, partsA), merge(partsB[0]!.result.title, partsB)]
}

export async function runCustomLists(
  pass: PassSettings,
  specs: CustomListSpecs,
  measure: (spec: LoadSpec) => Promise<Measured>,
  step: (what: string, seconds: number) => void,
): Promise<ScenarioRow[]> {
  const { connections: c, seconds, warmupSeconds } = pass
  step('reference list and custom-field list, interleaved', 2 * (warmupSeconds + seconds))
  const [reference, custom] = await interleaved(measure, specs.referenceList, specs.customList, pass)
  step('builtin-list', seconds)
  const builtin = await measure(specs.builtinList(c, seconds))
  step('leaderboard', seconds)
  const leaderboard = await measure(specs.leaderboard(c, seconds))
  const measured: [CustomListKey, Measured][] = [
    ['reference-list', reference],
    ['custom-list', custom],
    ['builtin-list', builtin],
    ['leaderboard', leaderboard],
  ]
  return measured.map(([key, { result, loop }]) =>
    toRow(key, CUSTOM_LIST_SCENARIOS[key], pass.label, result, loop, key === 'reference-list' ? {} : { toReference: result.rps / reference.result.rps }),
  )
}
