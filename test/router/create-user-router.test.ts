/**
 * createUserRouter as an app sees it: option checking at creation, mounting anywhere (Express 4
 * and 5), two routers in one app, CORS, and 503 when a dependency is down.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import express from 'express'
import express4 from 'express4'
import supertest from 'supertest'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter, type UserRouterOptions } from '../../src/index.js'
import { UserRouterError } from '../../src/errors.js'
import type { KeyValueStore } from '../../src/ports.js'

const quiet = { warn() {}, error() {} }
const base = (): UserRouterOptions => ({
  storage: new MemoryUserStore(),
  redis: new MemoryKeyValueStore(),
  clients: ['c1'],
  password: { scrypt: { logN: 4 } },
  logger: quiet,
})
const client = { 'X-Hydrogen-Client-ID': 'c1' }

async function registerAndLogin(request: supertest.Agent | ReturnType<typeof supertest>, prefix = '') {
  const res = await request.post(`${prefix}/hserve/v2.1/register/username/`).set(client).send({ username: 'zoe', password: 'zoe password 1' })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body.token as string
}

describe('createUserRouter options', () => {
  const cases: [Partial<Record<keyof UserRouterOptions, unknown>>, RegExp][] = [
    [{ storage: undefined }, /options\.storage is required: pass a UserStore/],
    [{ storage: { createUser() {} } }, /options\.storage must implement getUserById/],
    [{ clients: undefined }, /options\.clients is required: list the accepted X-Hydrogen-Client-ID values/],
    [{ clients: [] }, /options\.clients must contain at least 1 items/],
    [{ redis: 'http://localhost' }, /options\.redis must be an ioredis client, a redis:\/\/ URL, or a KeyValueStore/],
    [{ tokenTtlSeconds: 2592001 }, /options\.tokenTtlSeconds must be less than or equal to 2592000/],
    [{ password: { minLength: 0 } }, /options\.password\.minLength must be greater than or equal to 1/],
    [{ password: { minLength: 20, maxLength: 10 } }, /options\.password\.minLength must not exceed/],
    [{ password: { scrypt: { logN: 40 } } }, /options\.password\.scrypt\.logN must be less than or equal to 20/],
    [{ password: { rejectCommon: 'yes' as never } }, /options\.password\.rejectCommon must be a boolean/],
    [{ password: { rejectList: ['ok', ''] } }, /options\.password\.rejectList\.1 is not allowed to be empty/],
    [{ cors: { origins: 'everyone' } }, /options\.cors\.origins/],
    [{ anonymousLogin: 'yes' }, /options\.anonymousLogin must be a boolean/],
    [{ unknownOption: true } as never, /options\.unknownOption is not allowed/],
    [{ profileFields: { nickname: 'string' } }, /profileFields\.nickname: .*built-in/],
  ]
  for (const [patch, message] of cases) {
    it(`refuses ${JSON.stringify(patch)} at creation, naming the option`, () => {
      assert.throws(() => createUserRouter({ ...base(), ...patch } as UserRouterOptions), message)
    })
  }

  it('refuses to run without Redis in production', () => {
    const previous = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      const { redis: _redis, ...rest } = base()
      assert.throws(() => createUserRouter(rest), /options\.redis is required when NODE_ENV=production/)
    } finally {
      process.env.NODE_ENV = previous
    }
  })
})

describe('mounting', () => {
  it('works under any path of an Express 5 app and leaves the app its other routes and bodies', async () => {
    const app = express()
    app.use('/accounts', createUserRouter(base()))
    app.post('/echo', express.json({ limit: '1mb' }), (req, res) => void res.json({ size: JSON.stringify(req.body).length }))
    const request = supertest(app)
    const token = await registerAndLogin(request, '/accounts')
    const me = await request.get('/accounts/hserve/v2.2/user/info/').set(client).set('Authorization', `Hydrogen-r1 ${token}`)
    assert.equal(me.status, 200)
    assert.equal((await request.post('/echo').send({ big: 'x'.repeat(100_000) })).status, 200, 'the app keeps its own body limit')
    assert.equal((await request.get('/nothing-here')).status, 404)
  })

  it('works in an Express 4 app', async () => {
    const app = express4()
    // Types differ between the Express 4 and 5 typings; at run time a router is a plain middleware.
    app.use('/v', createUserRouter(base()) as unknown as express4.RequestHandler)
    const request = supertest(app)
    const token = await registerAndLogin(request, '/v')
    const me = await request.get('/v/hserve/v2.0/user/info/').set(client).set('Authorization', `Bearer ${token}`)
    assert.equal(me.status, 200)
    assert.equal(me.body.meta.total_count, 1)
    const bad = await request.post('/v/hserve/v2.1/login/username/').set(client).set('Content-Type', 'application/json').send('{"username":')
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'invalid_json')
  })

  it('keeps the sessions of two routers in one app apart', async () => {
    const storage = new MemoryUserStore()
    const app = express()
    app.use('/a', createUserRouter({ ...base(), storage, redis: new MemoryKeyValueStore() }))
    app.use('/b', createUserRouter({ ...base(), storage, redis: new MemoryKeyValueStore() }))
    const request = supertest(app)
    const token = await registerAndLogin(request, '/a')
    const auth = { ...client, Authorization: `Hydrogen-r1 ${token}` }
    assert.equal((await request.get('/a/hserve/v2.2/user/info/').set(auth)).status, 200)
    assert.equal((await request.get('/b/hserve/v2.2/user/info/').set(auth)).status, 401)
  })
})

describe('CORS', () => {
  it('answers preflights for configured origins with the MinApp headers, and ignores other origins', async () => {
    const app = express().use(createUserRouter({ ...base(), cors: { origins: ['http://app.example'] } }))
    const request = supertest(app)
    const ok = await request.options('/hserve/v2.1/login/username/').set('Origin', 'http://app.example').set('Access-Control-Request-Method', 'POST')
    assert.equal(ok.status, 204)
    assert.equal(ok.headers['access-control-allow-origin'], 'http://app.example')
    assert.match(ok.headers['access-control-allow-headers'] ?? '', /X-Hydrogen-Client-ID/)
    assert.match(ok.headers['access-control-allow-headers'] ?? '', /Authorization/)
    const other = await request.options('/hserve/v2.1/login/username/').set('Origin', 'http://evil.example').set('Access-Control-Request-Method', 'POST')
    assert.equal(other.headers['access-control-allow-origin'], undefined)
  })
})

describe('dependencies down', () => {
  const down = () => Promise.reject(new UserRouterError('unavailable', { cause: new Error('ECONNREFUSED') }))

  it('answers 503 unavailable when the key-value store is down', async () => {
    const kv = new MemoryKeyValueStore()
    const broken = new Proxy(kv, {
      get: (target, key) => (key === 'close' ? target.close.bind(target) : typeof (target as never)[key] === 'function' ? down : (target as never)[key]),
    }) as KeyValueStore
    const app = express().use(createUserRouter({ ...base(), redis: broken }))
    const res = await supertest(app)
      .get('/hserve/v2.2/user/info/')
      .set(client)
      .set('Authorization', `Hydrogen-r1 ${'a'.repeat(43)}`)
    assert.equal(res.status, 503)
    assert.equal(res.body.code, 'unavailable')
  })

  it('answers 503 unavailable when the user store is down, and creates nothing', async () => {
    const storage = new MemoryUserStore()
    storage.createUser = down
    const app = express().use(createUserRouter({ ...base(), storage }))
    const res = await supertest(app).post('/hserve/v2.1/register/username/').set(client).send({ username: 'x1', password: 'x1 password 1' })
    assert.equal(res.status, 503)
    assert.deepEqual(Object.keys(res.body).sort(), ['code', 'error_msg'])
  })
})
