/**
 * Regex lists of the memory and SQLite stores run their matcher work on the event loop, up to the
 * per-query budget. They take turns, one per pass of the event loop, so a burst of them holds
 * every other request for one list's work at most, not for the whole burst's; past a queue bound
 * the surplus is refused with `busy`. Asserted on order and counts, never on time.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isUserRouterError } from '../../src/errors.js'
import { createUserSchema } from '../../src/model/schema.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { MAX_WAITING_REGEX_LISTS } from '../../src/query/regex/index.js'
import { EVENT_LOOP_STORES, WORST_PATTERN } from './regex-stores.js'

const context = { schema: createUserSchema(), visibility: 'all' } as const
const where = JSON.stringify({ nickname: { $regex: WORST_PATTERN, $options: 'i' } })
const { query } = parseListParams({ where, return_total_count: '1' }, context)

for (const [name, create] of EVENT_LOOP_STORES) {
  describe(`regex lists take turns (${name} store)`, () => {
    it('lets other work run after at most one of ten concurrent regex lists', async () => {
      const store = await create()
      try {
        for (let i = 0; i < 2000; i++) await store.createUser({ nickname: `user number ${i} `.padEnd(40, 'x'), createdAt: 1 })
        let finished = 0
        const lists = Array.from({ length: 10 }, () =>
          store
            .listUsers(query)
            .finally(() => finished++)
            .catch(() => undefined),
        )
        // A timer stands for any other request: it runs on the next pass of the event loop.
        const finishedWhenOthersRan = await new Promise<number>((resolve) => setTimeout(() => resolve(finished), 0))
        assert.ok(finishedWhenOthersRan <= 1, `${finishedWhenOthersRan} regex lists ran before anything else could`)
        await Promise.all(lists)
        assert.equal(finished, 10)
        // A list without a regex does not wait for a turn.
        assert.equal((await store.listUsers(parseListParams({ return_total_count: '1' }, context).query)).totalCount, 2000)
      } finally {
        await store.close()
      }
    })

    it(`refuses regex lists past ${MAX_WAITING_REGEX_LISTS} waiting with busy`, async () => {
      const store = await create()
      try {
        await store.createUser({ nickname: 'someone', createdAt: 1 })
        const results = await Promise.allSettled(Array.from({ length: MAX_WAITING_REGEX_LISTS + 10 }, () => store.listUsers(query)))
        const busy = results.filter((r) => r.status === 'rejected' && isUserRouterError(r.reason, 'busy'))
        assert.equal(busy.length, 10)
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, MAX_WAITING_REGEX_LISTS)
      } finally {
        await store.close()
      }
    })
  })
}
