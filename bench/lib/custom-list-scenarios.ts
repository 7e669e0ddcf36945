/**
 * What the list scenarios on custom fields send: the reference's tier page, the router's tier page
 * (filter, sort and count on the custom field `tier`), the same on a built-in indexed column of the
 * same selectivity (1,000 users created in one window of `created_at`, its `(created_at, id)`
 * index), and the `score` leaderboard's first page. Request n asks for a tier (or window) picked by
 * a fixed stride, the same sequence for the reference and the router.
 */
import { CLIENT_ID } from './config.js'
import { tierCount, USERS_PER_TIER } from './custom-fields.js'
import type { LoadSpec } from './load.js'
import type { Target } from './scenarios.js'
import { SEED_EPOCH } from './services.js'

const LIST = '/hserve/v2.2/user/info/'
const where = (filter: object) => `where=${encodeURIComponent(JSON.stringify(filter))}`

export const CUSTOM_LIST_PATHS = {
  referenceList: (tier: number) => `/reference/users?tier=${tier}`,
  /** The first page (20) of a tier, newest first, with the tier's size. */
  customList: (tier: number) => `${LIST}?${where({ tier })}&order_by=-created_at&return_total_count=1`,
  /** The same shape on `created_at` alone: the users created in window k (as many as a tier has). */
  builtinList: (window: number) => {
    const from = SEED_EPOCH + window * USERS_PER_TIER
    return `${LIST}?${where({ created_at: { $gte: from, $lt: from + USERS_PER_TIER } })}&order_by=-created_at&return_total_count=1`
  },
  leaderboard: `${LIST}?order_by=-score`,
} as const

export function customListSpecs(target: Target) {
  const tiers = tierCount(target.ids.length)
  const tierOf = (n: number) => (n * 7919) % tiers
  const auth = (n: number) => ({ 'x-hydrogen-client-id': CLIENT_ID, authorization: `Hydrogen-r1 ${target.tokens[n % target.tokens.length]}` })
  const spec =
    (title: string, url: string, path: (n: number) => string) =>
    (connections: number, seconds: number): LoadSpec => ({
      title,
      url,
      connections,
      seconds,
      request: (n) => ({ method: 'GET', path: path(n), headers: auth(n) }),
    })
  return {
    referenceList: spec('reference-list', target.referenceUrl, (n) => CUSTOM_LIST_PATHS.referenceList(tierOf(n))),
    customList: spec('custom-list', target.routerUrl, (n) => CUSTOM_LIST_PATHS.customList(tierOf(n))),
    builtinList: spec('builtin-list', target.routerUrl, (n) => CUSTOM_LIST_PATHS.builtinList(tierOf(n))),
    leaderboard: spec('leaderboard', target.routerUrl, () => CUSTOM_LIST_PATHS.leaderboard),
  }
}

export type CustomListSpecs = ReturnType<typeof customListSpecs>
