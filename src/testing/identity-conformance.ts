/**
 * The rules of third-party identities in the `UserStore` conformance suite: one identity belongs to
 * at most one user, decided by the store's own unique constraint; identities come back with the
 * user on every read.
 */
import assert from 'node:assert/strict'
import { isUserRouterError } from '../errors.js'
import { createUserSchema } from '../model/schema.js'
import type { Identity, NewIdentity, StoredUser } from '../model/user.js'
import type { UserStore } from '../ports.js'
import { parseListParams } from '../query/parse-list-params.js'
import { parseProfileUpdate } from '../query/parse-update.js'

type StoreTest = (title: string, body: (store: UserStore) => Promise<void>) => unknown

const schema = createUserSchema({})
const context = { schema, visibility: 'all' } as const
const NOW = 1_700_000_000

const WECHAT: Identity = { provider: 'wechat', subject: 'o-openid-1', unionId: 'union-1', linkedAt: NOW }

async function userCount(store: UserStore): Promise<number> {
  return (await store.listUsers(parseListParams({ return_total_count: '1' }, context).query)).totalCount ?? -1
}

async function listed(store: UserStore, id: number): Promise<StoredUser | undefined> {
  const page = await store.listUsers(parseListParams({ limit: '1000' }, context).query)
  return page.users.find((user) => user.id === id)
}

function taken(error: unknown): boolean {
  return isUserRouterError(error, 'identity_taken')
}

export function identityTests(test: StoreTest): void {
  test('creates a user with an identity and answers it with the user on every read path', async (store) => {
    const before = await store.createUser({ username: 'before', createdAt: NOW })
    const user = await store.createUserWithIdentity({ username: 'Wx', createdAt: NOW }, WECHAT)
    const after = await store.createUser({ username: 'after', createdAt: NOW })
    assert.deepEqual(user.identities, [WECHAT], 'createUserWithIdentity must answer the user with its identity')
    assert.deepEqual(await store.getUserById(user.id), user, 'getUserById must answer the user with its identities, exactly as createUserWithIdentity did')
    assert.deepEqual(await store.getUserByIdentifier('username', 'wx'), user, 'getUserByIdentifier must answer the user with its identities')
    assert.deepEqual(await store.getUserByIdentity('wechat', 'o-openid-1'), user, 'getUserByIdentity must find the user holding (provider, subject)')
    assert.deepEqual(await listed(store, user.id), user, 'listUsers must answer each user with its identities')
    assert.deepEqual(
      [(await listed(store, before.id))?.identities, (await listed(store, after.id))?.identities],
      [[], []],
      'listUsers must answer users without identities with an empty list',
    )
    const updated = await store.updateUser(user.id, { operations: parseProfileUpdate({ nickname: 'n' }, schema), updatedAt: NOW + 1 })
    assert.deepEqual(updated?.identities, [WECHAT], 'updateUser must answer the user with its identities')
    for (const [provider, subject] of [
      ['wechat', 'O-OPENID-1'],
      ['oauth-oidc', 'o-openid-1'],
      ['wechat', 'o-openid'],
    ]) {
      assert.equal(
        await store.getUserByIdentity(provider!, subject!),
        null,
        `getUserByIdentity(${JSON.stringify(provider)}, ${JSON.stringify(subject)}) must answer null: provider and subject compare exactly`,
      )
    }
    const plain = await store.createUserWithIdentity({ createdAt: NOW }, { provider: 'oauth-oidc', subject: 'sub-1', linkedAt: NOW })
    assert.deepEqual(
      plain.identities,
      [{ provider: 'oauth-oidc', subject: 'sub-1', unionId: null, linkedAt: NOW }],
      'an identity given without unionId must be stored with unionId null',
    )
  })

  test("orders a user's identities by linkedAt, then provider, then subject", async (store) => {
    const user = await store.createUserWithIdentity({ createdAt: NOW }, { provider: 'weibo', subject: 's1', linkedAt: NOW + 5 })
    const links: NewIdentity[] = [
      { provider: 'oauth-oidc', subject: 's3', linkedAt: NOW + 5 },
      { provider: 'wechat', subject: 's2', linkedAt: NOW + 1 },
      { provider: 'oauth-oidc', subject: 's0', linkedAt: NOW + 5 },
    ]
    for (const identity of links) await store.linkIdentity(user.id, identity)
    const expected = [
      ['wechat', 's2'],
      ['oauth-oidc', 's0'],
      ['oauth-oidc', 's3'],
      ['weibo', 's1'],
    ]
    const order = (u: StoredUser | null | undefined) => u?.identities.map((i) => [i.provider, i.subject])
    assert.deepEqual(order(await store.getUserById(user.id)), expected, 'identities must come ordered by linkedAt, then provider, then subject')
    assert.deepEqual(order(await listed(store, user.id)), expected, 'listUsers must answer identities in the same order')
  })

  test('rejects createUserWithIdentity of a taken identity with identity_taken, leaving no user behind', async (store) => {
    await store.createUserWithIdentity({ createdAt: NOW }, WECHAT)
    const count = await userCount(store)
    await assert.rejects(
      store.createUserWithIdentity({ username: 'second', createdAt: NOW }, { ...WECHAT, unionId: null }),
      taken,
      'createUserWithIdentity of an identity another user holds must reject with UserRouterError identity_taken',
    )
    assert.equal(await userCount(store), count, 'a createUserWithIdentity refused with identity_taken must leave no user behind')
    assert.equal(await store.getUserByIdentifier('username', 'second'), null, 'a createUserWithIdentity refused with identity_taken must leave no user behind')
    assert.equal((await store.createUser({ username: 'second', createdAt: NOW })).username, 'second', 'the username of a refused createUserWithIdentity must stay free')
  })

  test('rejects createUserWithIdentity of a taken username with username_taken, leaving no identity behind', async (store) => {
    await store.createUser({ username: 'taken', createdAt: NOW })
    const count = await userCount(store)
    const identity = { provider: 'oauth-wechat-mp', subject: 'fresh', linkedAt: NOW }
    await assert.rejects(
      store.createUserWithIdentity({ username: 'TAKEN', createdAt: NOW }, identity),
      (e) => isUserRouterError(e, 'username_taken'),
      'createUserWithIdentity with a taken username must reject with UserRouterError username_taken',
    )
    assert.equal(await userCount(store), count, 'a createUserWithIdentity refused with username_taken must leave no user behind')
    assert.equal(await store.getUserByIdentity('oauth-wechat-mp', 'fresh'), null, 'a createUserWithIdentity refused with username_taken must leave its identity free')
    const other = await store.createUserWithIdentity({ createdAt: NOW }, identity)
    assert.deepEqual(
      other.identities.map((i) => i.subject),
      ['fresh'],
      'the identity of a refused createUserWithIdentity must stay free',
    )
  })

  test('gives exactly one user to 20 concurrent createUserWithIdentity of one identity', async (store) => {
    const count = await userCount(store)
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.createUserWithIdentity({ username: `racer${i}`, createdAt: NOW }, WECHAT)))
    const winners = results.filter((r): r is PromiseFulfilledResult<StoredUser> => r.status === 'fulfilled')
    assert.equal(winners.length, 1, 'exactly one of 20 concurrent createUserWithIdentity calls with one identity must succeed: the backend itself must enforce uniqueness')
    for (const r of results)
      if (r.status === 'rejected')
        assert.ok(taken(r.reason), `the losers of a concurrent createUserWithIdentity race must reject with UserRouterError identity_taken, got ${String(r.reason)}`)
    assert.equal(await userCount(store), count + 1, '20 concurrent createUserWithIdentity calls with one identity must add exactly one user (the losers leave nothing behind)')
    assert.equal((await store.getUserByIdentity(WECHAT.provider, WECHAT.subject))?.id, winners[0]!.value.id, 'the identity must belong to the one user created')
  })

  test('links an identity: null for an unknown user, identity_taken when another holds it, nothing new for its holder', async (store) => {
    const a = await store.createUser({ username: 'a', createdAt: NOW })
    const b = await store.createUser({ username: 'b', createdAt: NOW })
    assert.equal(await store.linkIdentity(987654, WECHAT), null, 'linkIdentity to an unknown user must answer null')
    assert.equal(await store.getUserByIdentity(WECHAT.provider, WECHAT.subject), null, 'linkIdentity to an unknown user must store nothing')
    const linked = await store.linkIdentity(a.id, WECHAT)
    assert.deepEqual(linked, { ...a, identities: [WECHAT] }, 'linkIdentity must answer the user with the identity added and its other fields (updatedAt included) unchanged')
    assert.deepEqual(
      await store.linkIdentity(a.id, { ...WECHAT, unionId: 'other', linkedAt: NOW + 10 }),
      linked,
      'linking an identity to its holder again must change nothing (the first link stays)',
    )
    await assert.rejects(
      store.linkIdentity(b.id, { ...WECHAT, linkedAt: NOW + 20 }),
      taken,
      'linkIdentity of an identity another user holds must reject with UserRouterError identity_taken',
    )
    assert.deepEqual(await store.getUserById(b.id), b, 'a refused linkIdentity must leave the user unchanged')
    assert.equal((await store.getUserByIdentity(WECHAT.provider, WECHAT.subject))?.id, a.id, 'a refused linkIdentity must leave the identity with its holder')
  })

  test('gives exactly one of two users an identity linked to both at once', async (store) => {
    const a = await store.createUser({ createdAt: NOW })
    const b = await store.createUser({ createdAt: NOW })
    for (let round = 0; round < 5; round++) {
      const identity = { provider: 'wechat', subject: `race-${round}`, linkedAt: NOW }
      const results = await Promise.allSettled([store.linkIdentity(a.id, identity), store.linkIdentity(b.id, identity)])
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [[a, b][i]!.id] : []))
      assert.equal(winners.length, 1, 'exactly one of two concurrent linkIdentity calls of one identity to two users must succeed')
      for (const r of results)
        if (r.status === 'rejected')
          assert.ok(taken(r.reason), `the loser of a concurrent linkIdentity race must reject with UserRouterError identity_taken, got ${String(r.reason)}`)
      assert.equal((await store.getUserByIdentity('wechat', `race-${round}`))?.id, winners[0], 'the identity must belong to the winner of the race')
    }
  })

  test('unlinks an identity: null for an unknown user, nothing to do when the user does not hold it', async (store) => {
    const a = await store.createUserWithIdentity({ createdAt: NOW }, WECHAT)
    await store.linkIdentity(a.id, { provider: 'oauth-oidc', subject: 'sub-a', linkedAt: NOW + 1 })
    const b = await store.createUserWithIdentity({ createdAt: NOW }, { provider: 'oauth-oidc', subject: 'sub-b', linkedAt: NOW })
    const unlinked = await store.unlinkIdentity(a.id, WECHAT.provider, WECHAT.subject)
    assert.deepEqual(
      unlinked?.identities.map((i) => i.subject),
      ['sub-a'],
      'unlinkIdentity must answer the user without the identity',
    )
    assert.deepEqual(await store.getUserById(a.id), unlinked, 'unlinkIdentity must answer the user as stored')
    assert.equal(await store.getUserByIdentity(WECHAT.provider, WECHAT.subject), null, 'an unlinked identity must be found no more')
    assert.deepEqual(await store.unlinkIdentity(a.id, WECHAT.provider, WECHAT.subject), unlinked, 'unlinking an identity the user does not hold must change nothing')
    assert.deepEqual(await store.unlinkIdentity(a.id, 'oauth-oidc', 'sub-b'), unlinked, "unlinkIdentity of another user's identity must change nothing")
    assert.equal((await store.getUserByIdentity('oauth-oidc', 'sub-b'))?.id, b.id, "unlinkIdentity must never remove another user's identity")
    assert.equal(await store.unlinkIdentity(987654, 'oauth-oidc', 'sub-b'), null, 'unlinkIdentity of an unknown user must answer null')
    assert.deepEqual(
      (await store.linkIdentity(b.id, WECHAT))?.identities.map((i) => i.subject),
      ['sub-b', WECHAT.subject],
      'an unlinked identity must be free to link to another user',
    )
  })

  test('finds the user with the lowest id among those having an identity with a unionId', async (store) => {
    const a = await store.createUserWithIdentity({ createdAt: NOW }, { provider: 'oauth-wechat-mp', subject: 'o-web', unionId: 'U1', linkedAt: NOW + 5 })
    const b = await store.createUserWithIdentity({ createdAt: NOW }, { provider: 'wechat', subject: 'o-app', unionId: 'U1', linkedAt: NOW })
    await store.createUserWithIdentity({ createdAt: NOW }, { provider: 'wechat', subject: 'o-other', unionId: 'U2', linkedAt: NOW })
    assert.deepEqual(
      await store.getUserByUnionId('U1'),
      await store.getUserById(a.id),
      'getUserByUnionId must answer the user with the lowest id having an identity with that unionId',
    )
    assert.equal(await store.getUserByUnionId('u1'), null, 'unionIds must compare exactly')
    assert.equal(await store.getUserByUnionId('U3'), null, 'getUserByUnionId of an unknown unionId must answer null')
    await store.unlinkIdentity(a.id, 'oauth-wechat-mp', 'o-web')
    assert.equal((await store.getUserByUnionId('U1'))?.id, b.id, 'getUserByUnionId must no longer find a user by an unlinked identity')
  })

  test('rejects an identity outside its limits with invalid_request naming the field, storing nothing', async (store) => {
    const user = await store.createUser({ createdAt: NOW })
    const count = await userCount(store)
    const cases: [string, NewIdentity][] = [
      ['identity.provider', { ...WECHAT, provider: '' }],
      ['identity.provider', { ...WECHAT, provider: 'p'.repeat(65) }],
      ['identity.subject', { ...WECHAT, subject: '' }],
      ['identity.subject', { ...WECHAT, subject: 's'.repeat(257) }],
      ['identity.subject', { ...WECHAT, subject: 'nul\u0000inside' }],
      ['identity.unionId', { ...WECHAT, unionId: '' }],
      ['identity.unionId', { ...WECHAT, unionId: 'u'.repeat(257) }],
      ['identity.linkedAt', { ...WECHAT, linkedAt: 1.5 }],
    ]
    for (const [field, identity] of cases) {
      const refused = (e: unknown) => isUserRouterError(e, 'invalid_request') && e.details?.[0]?.field === field
      const label = JSON.stringify({ ...identity, provider: identity.provider.slice(0, 10), subject: identity.subject.slice(0, 10) })
      await assert.rejects(
        store.createUserWithIdentity({ createdAt: NOW }, identity),
        refused,
        `createUserWithIdentity of ${label} must reject with UserRouterError invalid_request whose details[0].field is '${field}'`,
      )
      await assert.rejects(
        store.linkIdentity(user.id, identity),
        refused,
        `linkIdentity of ${label} must reject with UserRouterError invalid_request whose details[0].field is '${field}'`,
      )
    }
    assert.equal(await userCount(store), count, 'a createUserWithIdentity refused with invalid_request must leave no user behind')
    assert.deepEqual((await store.getUserById(user.id))?.identities, [], 'a linkIdentity refused with invalid_request must store nothing')
    // The limits count characters (code points), not bytes nor UTF-16 units.
    const longest = { provider: '中'.repeat(64), subject: '😀'.repeat(256), unionId: 'é'.repeat(256), linkedAt: NOW }
    assert.deepEqual((await store.linkIdentity(user.id, longest))?.identities, [longest], 'an identity at its limits (64, 256 and 256 characters) must be stored exactly')
    assert.equal((await store.getUserByIdentity(longest.provider, longest.subject))?.id, user.id, 'an identity at its limits must be found')
  })
}
