import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { assertError, closeTestApps, createTestApp, releaseTestResources } from '../helpers/test-app.js'

after(releaseTestResources)

// The regex budget and the growth limits are the store's; over HTTP they must come out as clear 400s.
describe('client API: query and update limits (memory)', () => {
  afterEach(closeTestApps)
  const create = () => createTestApp({ backend: 'memory', options: { profileFields: { tags: { type: 'array', items: 'string', maxLength: 2 } } }, label: 'limits' })

  it('answers 400 query_too_complex to a list whose regex filters need too much work', async () => {
    const t = await create()
    const { token } = await t.signUp('username', 'asker')
    for (let i = 0; i < 2000; i++) await t.store.createUser({ nickname: `user number ${i} `.padEnd(100, 'x'), createdAt: 1_700_000_000 })
    const pattern = '(?:[^#]{0,99}){10}#'
    const where = JSON.stringify({ $or: [{ nickname: { $regex: pattern, $options: 'i' } }, { nickname: { $regex: pattern } }] })
    assertError(await t.request.get('/hserve/v2.2/user/info/').query({ where }).set(t.auth(token)), 400, 'query_too_complex', 'where')
    const plain = await t.request
      .get('/hserve/v2.2/user/info/')
      .query({ where: JSON.stringify({ nickname: { $regex: '^user number 1999 ' } }) })
      .set(t.auth(token))
    assert.equal(plain.status, 200)
    assert.equal(plain.body.objects.length, 1)
  })

  it('answers 400 invalid_update naming the field to an append past maxLength', async () => {
    const t = await create()
    const { token } = await t.signUp('username', 'appender')
    assert.equal(
      (
        await t.request
          .put('/hserve/v2.5/user/info/')
          .set(t.auth(token))
          .send({ tags: { $append: ['a', 'b'] } })
      ).status,
      200,
    )
    assertError(
      await t.request
        .put('/hserve/v2.5/user/info/')
        .set(t.auth(token))
        .send({ tags: { $append: ['c'] } }),
      400,
      'invalid_update',
      'tags.$append',
    )
    assertError(
      await t.request
        .put('/hserve/v2.5/user/info/')
        .set(t.auth(token))
        .send({ tags: ['x'.repeat(257)] }),
      400,
      'invalid_update',
      'tags[0]',
    )
  })
})
