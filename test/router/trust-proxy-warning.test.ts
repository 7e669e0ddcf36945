/**
 * `app.set('trust proxy', true)` lets every client name its own IP in `X-Forwarded-For`, and every
 * per-IP limit then fails open. The router warns about it through `logger.warn`, once per router,
 * on the first request it serves in such an app; a hop count or a subnet draws no warning.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { CLIENT, closeTestApps, createTestApp, releaseTestResources } from '../helpers/test-app.js'

const create = () => createTestApp({ backend: 'memory', label: 'trust-proxy' })
const trustWarnings = (warnings: readonly string[]) => warnings.filter((w) => w.includes('trust proxy'))

after(releaseTestResources)

describe('a warning about `trust proxy` true', () => {
  afterEach(closeTestApps)

  it('is logged once, on the first request the router serves, when the app trusts every proxy', async () => {
    const t = await create()
    t.app.set('trust proxy', true)
    assert.deepEqual(trustWarnings(t.logger.warnings), [], 'nothing before a request')
    await t.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username: 'nobody', password: 'x' })
    const warnings = trustWarnings(t.logger.warnings)
    assert.equal(warnings.length, 1, JSON.stringify(t.logger.warnings))
    assert.match(warnings[0]!, /X-Forwarded-For/)
    assert.match(warnings[0]!, /hop count|subnet/)
    await t.signUp('username', 'ann')
    await t.request.get('/hserve/v2.2/user/info/').set(CLIENT)
    assert.equal(trustWarnings(t.logger.warnings).length, 1, 'once per router')
  })

  it('is logged by each router on its own', async () => {
    const [a, b] = [await create(), await create()]
    for (const t of [a, b]) {
      t.app.set('trust proxy', true)
      await t.request.get('/hserve/v2.2/user/info/').set(CLIENT)
      assert.equal(trustWarnings(t.logger.warnings).length, 1)
    }
  })

  it('is not logged for a hop count, a subnet, or no proxy at all', async () => {
    for (const setting of [false, 1, 'loopback', '10.0.0.0/8']) {
      const t = await create()
      t.app.set('trust proxy', setting)
      await t.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username: 'nobody', password: 'x' })
      assert.deepEqual(trustWarnings(t.logger.warnings), [], String(setting))
      await t.close()
    }
  })

  it("is not logged for the app's own routes, which the router does not serve", async () => {
    const t = await create()
    t.app.set('trust proxy', true)
    t.app.get('/health', (_req, res) => void res.json({ ok: true }))
    assert.equal((await t.request.get('/health')).status, 200)
    assert.deepEqual(trustWarnings(t.logger.warnings), [])
  })
})
