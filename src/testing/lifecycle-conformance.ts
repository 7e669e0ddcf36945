/**
 * Deleting and suspending users in the `UserStore` conformance suite: a deletion is atomic against
 * concurrent updates, frees the user's identifiers and identities at once and never frees its id;
 * a deleted user is never brought back; `suspended` reads back on every read path and can be listed.
 */
import assert from 'node:assert/strict'
import { INTERNAL_FIELDS } from '../model/fields.js'
import { createUserSchema } from '../model/schema.js'
import type { Identity, StoredUser } from '../model/user.js'
import type { UserStore } from '../ports.js'
import { parseListParams } from '../query/parse-list-params.js'
import { parseProfileUpdate } from '../query/parse-update.js'
import type { UserChanges } from '../query/update.js'
import { RANDOM_PROFILE_FIELDS } from './random-data.js'

type StoreTest = (title: string, body: (store: UserStore) => Promise<void>) => unknown

const schema = createUserSchema(RANDOM_PROFILE_FIELDS)
const context = { schema, visibility: 'all' } as const
const NOW = 1_700_000_000

const WECHAT: Identity = { provider: 'wechat', subject: 'o-gone', unionId: 'union-gone', linkedAt: NOW }
const OIDC: Identity = { provider: 'oauth-oidc', subject: 'sub-gone', unionId: null, linkedAt: NOW + 1 }
const IDENTIFIERS = { username: 'Gone', email: 'Gone@Example.com', phone: '13700000001' }

function suspend(value: boolean, updatedAt = NOW + 1): UserChanges {
  return { operations: [{ kind: 'set', field: INTERNAL_FIELDS.suspended, value }], updatedAt }
}

async function listIds(store: UserStore, params: Record<string, string> = {}): Promise<number[]> {
  const page = await store.listUsers(parseListParams({ limit: '1000', order_by: 'id', ...params }, context).query)
  return page.users.map((user) => user.id)
}

/** A user with every identifier, two identities, a profile and an update since its creation. */
async function fullUser(store: UserStore): Promise<StoredUser> {
  const user = await store.createUserWithIdentity({ ...IDENTIFIERS, profile: { score: 3, tags: ['a'] }, createdAt: NOW }, WECHAT)
  await store.linkIdentity(user.id, OIDC)
  return (await store.updateUser(user.id, { operations: parseProfileUpdate({ nickname: 'before' }, schema), updatedAt: NOW + 2 }))!
}

/** Every read path for a deleted user must answer null. */
async function assertGone(store: UserStore, user: StoredUser, when: string): Promise<void> {
  assert.equal(await store.getUserById(user.id), null, `getUserById of a user ${when} must answer null`)
  for (const kind of ['username', 'email', 'phone'] as const) {
    const value = user[kind]
    if (value !== null) assert.equal(await store.getUserByIdentifier(kind, value), null, `getUserByIdentifier('${kind}') of a user ${when} must answer null`)
  }
  for (const identity of user.identities) {
    assert.equal(await store.getUserByIdentity(identity.provider, identity.subject), null, `getUserByIdentity of an identity of a user ${when} must answer null`)
    if (identity.unionId !== null) assert.equal(await store.getUserByUnionId(identity.unionId), null, `getUserByUnionId of a user ${when} must answer null`)
  }
  assert.ok(!(await listIds(store)).includes(user.id), `listUsers must not answer a user ${when}`)
}

/** `items` turned left `by` places: round after round, each item comes first in turn. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const n = by % items.length
  return [...items.slice(n), ...items.slice(0, n)]
}

export function lifecycleTests(test: StoreTest): void {
  test('deletes a user with its identities, answering it as it was; then every read answers null', async (store) => {
    const user = await fullUser(store)
    assert.deepEqual(await store.deleteUser(user.id), user, 'deleteUser must answer the user as it was, with its identities and profile')
    await assertGone(store, user, 'deleted')
    assert.equal(await store.deleteUser(user.id), null, 'deleteUser of a user already deleted must answer null')
    assert.equal(await store.deleteUser(987654), null, 'deleteUser of an unknown id must answer null')
  })

  test('frees the username, e-mail, phone and identities of a deleted user at once', async (store) => {
    const first = await fullUser(store)
    await store.deleteUser(first.id)
    const again = { username: 'GONE', email: 'gone@example.COM', phone: IDENTIFIERS.phone, createdAt: NOW }
    const second = await store.createUserWithIdentity(again, WECHAT)
    assert.deepEqual(
      [second.username, second.email, second.phone, second.identities],
      [again.username, again.email, again.phone, [WECHAT]],
      "createUserWithIdentity must take a deleted user's username, e-mail, phone and identity",
    )
    assert.equal((await store.getUserByIdentity(WECHAT.provider, WECHAT.subject))?.id, second.id, 'a freed identity must be found with its new holder')
    await store.deleteUser(second.id)
    const third = await store.createUser({ ...IDENTIFIERS, createdAt: NOW })
    assert.deepEqual((await store.linkIdentity(third.id, WECHAT))?.identities, [WECHAT], "createUser and linkIdentity must take a deleted user's identifiers and identity")
    for (const kind of ['username', 'email', 'phone'] as const)
      assert.equal((await store.getUserByIdentifier(kind, IDENTIFIERS[kind]))?.id, third.id, `a freed ${kind} must be found with its new holder`)
  })

  test('never gives the id of a deleted user to another', async (store) => {
    const a = await store.createUser({ createdAt: NOW })
    const b = await store.createUser({ createdAt: NOW })
    await store.deleteUser(b.id)
    const c = await store.createUser({ createdAt: NOW })
    assert.ok(c.id > b.id, `a user created after the deletion of the highest id ${b.id} must get a greater id, got ${c.id}`)
    await store.deleteUser(a.id)
    await store.deleteUser(c.id)
    const d = await store.createUser({ createdAt: NOW })
    assert.ok(d.id > c.id, `a user created once every user is deleted must get an id greater than any given (${c.id}), got ${d.id}`)
  })

  test('answers null to updateUser, linkIdentity and unlinkIdentity of a deleted user, storing nothing', async (store) => {
    const user = await fullUser(store)
    await store.deleteUser(user.id)
    const changes: [string, UserChanges][] = [
      ['a set', { operations: parseProfileUpdate({ nickname: 'back' }, schema), updatedAt: NOW + 5 }],
      [
        'an increment and appends',
        { operations: parseProfileUpdate({ score: { $incr_by: 1 }, tags: { $append: ['b'] }, meta: { $update: { k: 1 } } }, schema), updatedAt: NOW + 5 },
      ],
      ['a username', { operations: [{ kind: 'set', field: INTERNAL_FIELDS.username, value: 'Gone' }], updatedAt: NOW + 5 }],
      ['suspended', suspend(true)],
    ]
    for (const [label, change] of changes) assert.equal(await store.updateUser(user.id, change), null, `updateUser of ${label} on a deleted user must answer null`)
    assert.equal(await store.linkIdentity(user.id, { provider: 'weibo', subject: 'late', linkedAt: NOW }), null, 'linkIdentity to a deleted user must answer null')
    assert.equal(await store.unlinkIdentity(user.id, WECHAT.provider, WECHAT.subject), null, 'unlinkIdentity of a deleted user must answer null')
    await assertGone(store, { ...user, identities: [...user.identities, { provider: 'weibo', subject: 'late', unionId: null, linkedAt: NOW }] }, 'deleted, then updated and linked')
    assert.deepEqual(await listIds(store), [], 'no call on a deleted user may bring a row back')
  })

  test('orders a deletion and concurrent updates: the deletion answers the user with every update before it, none after', async (store) => {
    const increment = { operations: parseProfileUpdate({ score: { $incr_by: 1 }, tags: { $append: ['x'] }, nickname: 'updated' }, schema), updatedAt: NOW + 1 }
    const suspendAndIncrement = { ...increment, operations: [...increment.operations, ...suspend(true).operations] }
    for (let round = 0; round < 20; round++) {
      const user = await store.createUser({ username: `racer${round}`, profile: { score: 0, tags: [] }, createdAt: NOW })
      // The deletion is called first, between or last, so that each store meets every order.
      const calls = [() => store.deleteUser(user.id), () => store.updateUser(user.id, increment), () => store.updateUser(user.id, suspendAndIncrement)]
      const promises: Promise<StoredUser | null>[] = []
      for (const i of rotate([0, 1, 2], round)) promises[i] = calls[i]!()
      const [deleted, ...updated] = await Promise.all(promises)
      const landed = updated.filter((u) => u !== null).length
      assert.ok(deleted, `round ${round}: deleteUser of an existing user must answer it`)
      assert.equal(await store.getUserById(user.id), null, `round ${round}: a user whose deletion was answered must stay deleted: no update may bring it back`)
      assert.deepEqual(
        [deleted.profile.score, (deleted.profile.tags as unknown[]).length],
        [landed, landed],
        `round ${round}: deleteUser must answer the user with exactly the ${landed} update(s) that answered a user, each one whole (its increment and its append)`,
      )
      if (landed === 0) assert.deepEqual(deleted, user, `round ${round}: with no update before it, deleteUser must answer the user as created`)
      else assert.equal(deleted.nickname, 'updated', `round ${round}: every operation of an update before the deletion must be in its answer`)
      if (updated[1] !== null) assert.equal(deleted.suspended, true, `round ${round}: a suspension before the deletion must be in its answer`)
    }
  })

  test('gives a user to exactly one of concurrent deleteUser calls', async (store) => {
    for (let round = 0; round < 5; round++) {
      const user = await store.createUserWithIdentity({ createdAt: NOW }, { ...WECHAT, subject: `o-${round}` })
      const answers = await Promise.all(Array.from({ length: 5 }, () => store.deleteUser(user.id)))
      assert.deepEqual(
        answers.filter((a) => a !== null),
        [user],
        `round ${round}: exactly one of 5 concurrent deleteUser calls must answer the user, the others null`,
      )
    }
  })

  test('orders a deletion and concurrent linkIdentity and unlinkIdentity calls, which never fail nor bring the user back', async (store) => {
    for (let round = 0; round < 20; round++) {
      const kept = { provider: 'wechat', subject: `kept-${round}`, unionId: null, linkedAt: NOW }
      const added = { provider: 'weibo', subject: `added-${round}`, unionId: null, linkedAt: NOW + 1 }
      const user = await store.createUserWithIdentity({ createdAt: NOW }, kept)
      const calls = [() => store.deleteUser(user.id), () => store.linkIdentity(user.id, added), () => store.unlinkIdentity(user.id, kept.provider, kept.subject)]
      const promises: Promise<StoredUser | null>[] = []
      for (const i of rotate([0, 1, 2], round)) promises[i] = calls[i]!()
      const [deleted, linked, unlinked] = await Promise.all(promises)
      assert.ok(deleted, `round ${round}: deleteUser of an existing user must answer it`)
      const held = (identity: Identity) => deleted.identities.some((i) => i.subject === identity.subject)
      if (linked !== null) assert.ok(held(added), `round ${round}: an identity linkIdentity answered as linked before the deletion must be in its answer`)
      if (unlinked !== null) assert.ok(!held(kept), `round ${round}: an identity unlinkIdentity answered as unlinked before the deletion must not be in its answer`)
      for (const identity of [kept, added])
        assert.equal(await store.getUserByIdentity(identity.provider, identity.subject), null, `round ${round}: the identities must go with the deleted user`)
      assert.equal(await store.getUserById(user.id), null, `round ${round}: the deleted user must stay deleted`)
    }
  })

  test('leaves other users and their identities untouched when deleting one', async (store) => {
    const before = await store.createUserWithIdentity({ username: 'before', createdAt: NOW }, { ...WECHAT, subject: 'o-before' })
    const user = await fullUser(store)
    const after = (await store.linkIdentity((await store.createUser({ email: 'after@example.com', createdAt: NOW })).id, { ...OIDC, subject: 'sub-after' }))!
    await store.deleteUser(user.id)
    for (const other of [before, after]) {
      assert.deepEqual(await store.getUserById(other.id), other, `deleting a user must leave user ${other.id} unchanged`)
      const [identity] = other.identities
      assert.equal((await store.getUserByIdentity(identity!.provider, identity!.subject))?.id, other.id, `deleting a user must leave user ${other.id}'s identity with it`)
    }
    assert.deepEqual(await listIds(store), [before.id, after.id], 'deleting a user must leave every other user listed')
  })

  test('suspends and resumes a user through updateUser; every read path answers the flag', async (store) => {
    const user = await store.createUserWithIdentity({ ...IDENTIFIERS, createdAt: NOW }, WECHAT)
    const other = await store.createUser({ createdAt: NOW })
    assert.equal(user.suspended, false, 'a new user must not be suspended')
    const reads = async () => [
      (await store.getUserById(user.id))?.suspended,
      (await store.getUserByIdentifier('username', IDENTIFIERS.username))?.suspended,
      (await store.getUserByIdentifier('email', IDENTIFIERS.email))?.suspended,
      (await store.getUserByIdentifier('phone', IDENTIFIERS.phone))?.suspended,
      (await store.getUserByIdentity(WECHAT.provider, WECHAT.subject))?.suspended,
      (await store.getUserByUnionId(WECHAT.unionId!))?.suspended,
      (await store.listUsers(parseListParams({ limit: '1000' }, context).query)).users.find((u) => u.id === user.id)?.suspended,
    ]
    const suspended = await store.updateUser(user.id, suspend(true))
    assert.deepEqual([suspended?.suspended, suspended?.updatedAt], [true, NOW + 1], 'updateUser must answer the user suspended, with its updatedAt')
    assert.deepEqual(
      await reads(),
      Array(7).fill(true),
      'getUserById, getUserByIdentifier (each kind), getUserByIdentity, getUserByUnionId and listUsers must answer suspended: true',
    )
    assert.equal((await store.getUserById(other.id))?.suspended, false, 'suspending a user must leave other users as they are')
    for (const [where, expected] of [
      [{ _suspended: true }, [user.id]],
      [{ _suspended: false }, [other.id]],
      [{ _suspended: { $ne: true } }, [other.id]],
      [{ $and: [{ _suspended: true }, { _username: 'Gone' }] }, [user.id]],
    ] as const)
      assert.deepEqual(await listIds(store, { where: JSON.stringify(where) }), expected, `listUsers where ${JSON.stringify(where)} must answer exactly the matching users`)
    const resumed = await store.updateUser(user.id, suspend(false, NOW + 2))
    assert.equal(resumed?.suspended, false, 'updateUser must answer the user resumed')
    assert.deepEqual(await reads(), Array(7).fill(false), 'every read path must answer suspended: false once resumed')
    assert.deepEqual(await listIds(store, { where: '{"_suspended":true}' }), [], 'listUsers where {"_suspended":true} must answer no user once it is resumed')
  })
}
