/**
 * The router touches only the routes it serves. An app's own routes under the same paths as the
 * families' (`/oauth/callback`, `/api/v1/users/me`, `/hserve/health`, `/userve/status`) or under the
 * router's mount path (`/api/internal/thing` with the router at `/api`) answer exactly as in the
 * same app without the router: the app's body parser and limit, its error handler and 404, no CORS
 * headers, no client-id check, no Cache-Control, no trust-proxy warning. Preflights for them fall
 * through to the app too; preflights for the router's own routes are answered by the router.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import express, { type ErrorRequestHandler, type Express } from 'express'
import supertest from 'supertest'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter } from '../../src/index.js'

const APP_ORIGIN = 'https://app.example'
const ADMIN_ORIGIN = 'https://admin.example'
const COMPARED_HEADERS = ['cache-control', 'connection', 'pragma', 'vary', 'www-authenticate', 'set-cookie', 'allow', 'retry-after']

function routerFor(warnings: string[]) {
  return createUserRouter({
    storage: new MemoryUserStore(),
    redis: new MemoryKeyValueStore(),
    clients: ['c1'],
    password: { scrypt: { logN: 4 } },
    logger: { warn: (message) => void warnings.push(message), error() {} },
    cors: { origins: '*' },
    admin: { authorize: () => true, trustedOrigins: [ADMIN_ORIGIN] },
    sessionSecret: 'a host-routes test secret of 32 characters',
    oauth: { clients: [{ id: 'app', secret: 'app-secret' }] },
    openApi: { path: '/openapi.json' },
  })
}

interface Variant {
  /** Where the router is mounted. */
  at: '/' | '/api'
  /** Whether the app's body parser comes before the router (else after it). */
  parserFirst: boolean
}

/** The app's own routes: those of the families' paths, and the same again under the mount path. */
function hostPaths(at: Variant['at']): string[] {
  const own = ['/oauth/callback', '/api/v1/users/me', '/hserve/health', '/userve/status', '/internal/thing']
  const prefixed = at === '/' ? [] : own.map((path) => `${at}${path}`)
  return [...new Set([...own, ...prefixed])]
}

const hostErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  const { status, type, message } = error as { status?: number; type?: string; message: string }
  res.status(status ?? 500).json({ host_error: type ?? message })
}

/** The app, with or without the router. Its trust-proxy setting is the one the router warns about. */
function hostApp(variant: Variant, router?: express.Router): Express {
  const app = express()
  app.set('trust proxy', true)
  if (variant.parserFirst) app.use(express.json({ limit: '1mb' }))
  if (router) app.use(variant.at, router)
  if (!variant.parserFirst) app.use(express.json({ limit: '1mb' }))
  for (const path of hostPaths(variant.at)) {
    app.get(path, (req, res) => void res.json({ host: path, query: req.query }))
    app.post(path, (req, res) => void res.json({ host: path, bytes: JSON.stringify(req.body).length }))
  }
  app.use((req, res) => void res.status(404).json({ host_not_found: req.path }))
  app.use(hostErrors)
  return app
}

interface Answer {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

type Send = (request: ReturnType<typeof supertest>, path: string) => supertest.Test

async function answer(app: Express, path: string, send: Send): Promise<Answer> {
  const res = await send(supertest(app), path)
  const headers: Answer['headers'] = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (name.startsWith('access-control-') || COMPARED_HEADERS.includes(name)) headers[name] = value as string | string[]
  }
  return { status: res.status, body: res.text, headers }
}

const hundredKb = { blob: 'x'.repeat(100 * 1024) }
const twoMb = { blob: 'x'.repeat(2 * 1024 * 1024) }

/** Requests every host path gets; each must be answered as without the router. */
const REQUESTS: Record<string, Send> = {
  'GET with an Origin': (r, p) => r.get(`${p}?a=1`).set('Origin', APP_ORIGIN),
  'GET from the admin origin': (r, p) => r.get(p).set('Origin', ADMIN_ORIGIN),
  'GET with a client id and a bearer token': (r, p) => r.get(p).set('X-Hydrogen-Client-ID', 'unknown').set('Authorization', 'Bearer nope'),
  'POST of a 100 KB JSON body': (r, p) => r.post(p).set('Origin', APP_ORIGIN).send(hundredKb),
  'POST of a 2 MB JSON body (over the app limit)': (r, p) => r.post(p).send(twoMb),
  'POST of malformed JSON': (r, p) => r.post(p).set('Content-Type', 'application/json').send('{"a":'),
  'POST of a form from another site': (r, p) => r.post(p).set('Origin', 'https://evil.example').type('form').send('a=1'),
  'preflight for POST': (r, p) => r.options(p).set('Origin', APP_ORIGIN).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'Content-Type'),
  'preflight for GET from the admin origin': (r, p) => r.options(p).set('Origin', ADMIN_ORIGIN).set('Access-Control-Request-Method', 'GET'),
  'OPTIONS without a preflight': (r, p) => r.options(p),
}

/** Paths under the families' prefixes that the router does not serve: the app's 404 answers. */
function unservedPaths(at: Variant['at']): string[] {
  const base = at === '/' ? '' : at
  return ['/hserve/nothing/here/', '/hserve/v2.0/login/username/extra', '/userve/nothing', '/oauth/nothing', '/api/v1/users/nothing', '/openapi.json/x'].map((p) => `${base}${p}`)
}

const VARIANTS: Variant[] = [
  { at: '/', parserFirst: false },
  { at: '/api', parserFirst: false },
  { at: '/', parserFirst: true },
]

for (const variant of VARIANTS) {
  describe(`an app's own routes, router mounted at ${variant.at} (${variant.parserFirst ? 'app parser first' : 'router first'})`, () => {
    for (const [name, send] of Object.entries(REQUESTS)) {
      it(`answer ${name} as without the router`, async () => {
        const warnings: string[] = []
        const withRouter = hostApp(variant, routerFor(warnings))
        const without = hostApp(variant)
        for (const path of [...hostPaths(variant.at), ...unservedPaths(variant.at)]) {
          assert.deepEqual(await answer(withRouter, path, send), await answer(without, path, send), `${name} ${path}`)
        }
        assert.deepEqual(
          warnings.filter((w) => w.includes('trust proxy')),
          [],
          'the router saw none of these requests',
        )
      })
    }
  })
}

describe("the router's own routes, mounted at /api next to the app's", () => {
  const base = '/api'
  const app = () => hostApp({ at: '/api', parserFirst: false }, routerFor([]))
  const preflight = (path: string, origin: string, method: string) => supertest(app()).options(`${base}${path}`).set('Origin', origin).set('Access-Control-Request-Method', method)

  it("answer preflights for the methods they serve, with the family's CORS", async () => {
    const client = await preflight('/hserve/v2.0/login/username/', APP_ORIGIN, 'POST')
    assert.equal(client.status, 204)
    assert.equal(client.headers['access-control-allow-origin'], '*')
    assert.match(client.headers['access-control-allow-headers'] ?? '', /X-Hydrogen-Client-ID/)
    const phone = await preflight('/api/v1/users/update', APP_ORIGIN, 'PUT')
    assert.equal(phone.status, 204)
    const withId = await preflight('/hserve/v2.2/user/info/12', APP_ORIGIN, 'GET')
    assert.equal(withId.status, 204)
    const admin = await preflight('/userve/v2.6/miniapp/user_profile/', ADMIN_ORIGIN, 'PUT')
    assert.equal(admin.status, 204)
    assert.equal(admin.headers['access-control-allow-origin'], ADMIN_ORIGIN)
    assert.equal(admin.headers['access-control-allow-credentials'], 'true')
  })

  it('leave preflights for methods they do not serve to the app', async () => {
    const res = await preflight('/hserve/v2.0/login/username/', APP_ORIGIN, 'DELETE')
    assert.equal(res.headers['access-control-allow-origin'], undefined)
    assert.notEqual(res.status, 204)
  })

  it("give the admin API's paths no CORS but the admin API's: another origin gets none", async () => {
    const res = await preflight('/userve/v2.6/miniapp/user_profile/', APP_ORIGIN, 'PUT')
    assert.equal(res.headers['access-control-allow-origin'], undefined)
    const read = await supertest(app()).get(`${base}/userve/v1/user-profile/`).set('Origin', APP_ORIGIN)
    assert.equal(read.status, 401)
    assert.equal(read.headers['access-control-allow-origin'], undefined)
  })

  it('keep their own checks, body limit and error format', async () => {
    const noClient = await supertest(app()).get(`${base}/hserve/v2.2/user/info/`).set('Origin', APP_ORIGIN)
    assert.equal(noClient.status, 401)
    assert.equal(noClient.body.code, 'invalid_client')
    assert.equal(noClient.headers['access-control-allow-origin'], '*')
    const big = await supertest(app()).post(`${base}/hserve/v2.0/login/username/`).set('X-Hydrogen-Client-ID', 'c1').send(hundredKb)
    assert.equal(big.status, 413)
    assert.equal(big.body.code, 'payload_too_large')
    const malformed = await supertest(app()).put(`${base}/api/v1/users/update`).set('Content-Type', 'application/json').send('{"a":')
    assert.equal(malformed.status, 400)
    assert.ok('result' in malformed.body || 'error' in malformed.body || 'code' in malformed.body, JSON.stringify(malformed.body))
    assert.equal(malformed.body.host_error, undefined)
    const token = await supertest(app()).post(`${base}/oauth/token`).type('form').send('grant_type=password')
    assert.equal(token.headers['cache-control'], 'no-store')
    assert.equal(token.body.host_error, undefined)
  })
})
