/**
 * The admin API's bulk profile update: one page of the matching users, each updated with the
 * same atomic operations.
 *
 * Pages walk by id, not by offset: `afterId` (the last id of the previous page) continues a walk.
 * An update that changes a filtered field (`where score=0`, set `score: 1`) takes the updated users
 * out of the match; an offset would then skip as many unvisited users on the next page, while "ids
 * above the last one" neither skips nor repeats anyone.
 */
import { fieldError, isUserRouterError, UserRouterError } from '../errors.js'
import type { Filter } from '../query/filter.js'
import type { UpdateOperation } from '../query/update.js'
import type { ServiceDeps } from './deps.js'

/** Updates sent to the store at once: enough to overlap round trips, few enough to leave the pool to others. */
const PARALLEL_UPDATES = 4

export interface BulkSelection {
  readonly filter: Filter | null
  /** 1..1000 users per call. */
  readonly limit: number
  /** Matching users (after `afterId`) to skip. */
  readonly offset: number
  /** Count every match (after `afterId`). */
  readonly count: boolean
  /** Only users with a greater id: the continuation of a walk. */
  readonly afterId: number | null
}

export type BulkOutcome = { id: number; updatedAt: number } | { id: number; error: UserRouterError }

export interface BulkUpdateResult {
  /** One per selected user, in id order. */
  outcomes: BulkOutcome[]
  succeed: number
  totalCount?: number
  /** The last selected id when more users match after it (the `afterId` of the next call), else null. */
  nextAfterId: number | null
}

/**
 * Applies `operations` to each selected user. A user that cannot take the update (an increment
 * out of range) or vanished meanwhile gets an error outcome; any other failure (the store is
 * down) stops the call.
 */
export async function bulkUpdateProfiles(deps: ServiceDeps, selection: BulkSelection, operations: readonly UpdateOperation[]): Promise<BulkUpdateResult> {
  if (operations.length === 0) throw fieldError('invalid_update', 'body', 'must change at least one field')
  const id = deps.schema.fields.get('id')!
  const filters: Filter[] = selection.filter ? [selection.filter] : []
  if (selection.afterId !== null) filters.push({ kind: 'cmp', field: id, op: 'gt', value: selection.afterId })
  const page = await deps.store.listUsers({
    filter: filters.length === 0 ? null : filters.length === 1 ? filters[0]! : { kind: 'and', filters },
    order: [{ field: id, descending: false }],
    limit: selection.limit,
    offset: selection.offset,
    count: selection.count,
  })
  const updatedAt = deps.now()
  const outcomes = await mapInParallel(
    page.users.map((user) => user.id),
    PARALLEL_UPDATES,
    async (userId): Promise<BulkOutcome> => {
      try {
        const updated = await deps.store.updateUser(userId, { operations, updatedAt })
        return updated ? { id: userId, updatedAt: updated.updatedAt } : { id: userId, error: new UserRouterError('user_not_found') }
      } catch (error) {
        if (isUserRouterError(error) && (error.kind === 'invalid' || error.kind === 'not_found')) return { id: userId, error }
        throw error
      }
    },
  )
  const last = page.users.at(-1)
  return {
    outcomes,
    succeed: outcomes.filter((o) => !('error' in o)).length,
    ...(page.totalCount === undefined ? {} : { totalCount: page.totalCount }),
    nextAfterId: page.hasMore && last ? last.id : null,
  }
}

/** `run` over every item, at most `parallel` at a time; results in input order. The first failure stops every worker. */
async function mapInParallel<T, R>(items: readonly T[], parallel: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  let failed = false
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++
      try {
        results[index] = await run(items[index]!)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker))
  return results
}
