/**
 * A SQL store beside the reference (memory) store, holding the same users: every list and update
 * goes to both and must answer alike. Shared by the PostgreSQL and SQLite query tests.
 */
import assert from 'node:assert/strict'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import type { UserSchema } from '../../src/model/schema.js'
import type { NewUser, StoredUser } from '../../src/model/user.js'
import type { UserStore } from '../../src/ports.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'
import type { UpdateOperation } from '../../src/query/update.js'

export interface ReferenceHarness {
  readonly reference: MemoryUserStore
  /** Creates the users in both stores (ids 1..n in each) and checks they read alike. */
  seed(users: readonly NewUser[]): Promise<void>
  /** The ids a store lists for these parameters (limit 1000 unless given). */
  ids(store: UserStore, params: Record<string, string>): Promise<number[]>
  /** Asserts that every `where` and every `order_by` lists the same ids in both stores. */
  assertLikeReference(wheres: readonly Record<string, unknown>[], orders: readonly string[]): Promise<void>
  /** Applies the same changes to user `id` in both stores, asserts they agree and that the store keeps what it returned. */
  update(id: number, operations: UpdateOperation[], at: number): Promise<StoredUser>
  /**
   * Asserts paging on 8 seeded users (two of them `vip`): a middle page newest first, as the
   * reference store pages it and with the ids `middlePage`, knowing more follow and counting 8;
   * the last page; a page past the end that still counts.
   */
  assertPaging(middlePage: number[]): Promise<void>
  /** `update` with the operations of a MinApp update body. */
  body(id: number, body: Record<string, unknown>, at: number): Promise<StoredUser>
}

export function referenceHarness(store: () => UserStore, schema: UserSchema): ReferenceHarness {
  const reference = new MemoryUserStore()
  const context = { schema, visibility: 'all' } as const
  const ids = async (s: UserStore, params: Record<string, string>) => (await s.listUsers(parseListParams({ limit: '1000', ...params }, context).query)).users.map((u) => u.id)
  const update = async (id: number, operations: UpdateOperation[], at: number) => {
    const changes = { operations, updatedAt: at }
    const [mine, theirs] = [await store().updateUser(id, changes), await reference.updateUser(id, changes)]
    assert.deepEqual(mine, theirs, JSON.stringify(operations.map((o) => [o.kind, o.field.name])))
    assert.deepEqual(await store().getUserById(id), mine, 'what is returned is what is stored')
    return mine!
  }
  return {
    reference,
    ids,
    update,
    body: (id, body, at) => update(id, parseProfileUpdate(body, schema), at),
    async assertPaging(middlePage) {
      const list = (params: Record<string, string>) => store().listUsers(parseListParams(params, context).query)
      const query = parseListParams({ order_by: '-created_at', limit: '3', offset: '2', return_total_count: '1' }, context).query
      const [mine, theirs] = [await store().listUsers(query), await reference.listUsers(query)]
      assert.deepEqual(mine, theirs)
      assert.deepEqual([mine.users.map((u) => u.id), mine.hasMore, mine.totalCount], [middlePage, true, 8])
      const last = await list({ limit: '3', offset: '6' })
      assert.deepEqual([last.users.map((u) => u.id), last.hasMore, last.totalCount], [[7, 8], false, undefined])
      const beyond = await list({ offset: '50', return_total_count: '1', where: '{"vip":true}' })
      assert.deepEqual([beyond.users, beyond.hasMore, beyond.totalCount], [[], false, 2])
    },
    async seed(users) {
      for (const user of users) {
        const [mine, theirs] = [await store().createUser(user), await reference.createUser(user)]
        assert.deepEqual(mine, theirs)
      }
    },
    async assertLikeReference(wheres, orders) {
      for (const w of wheres) {
        const params = { where: JSON.stringify(w) }
        assert.deepEqual(await ids(store(), params), await ids(reference, params), params.where)
      }
      for (const order_by of orders) assert.deepEqual(await ids(store(), { order_by }), await ids(reference, { order_by }), order_by)
    },
  }
}
