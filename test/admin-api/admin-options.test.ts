/**
 * The admin API's options as an app sees them: off unless `admin` is given, checked at creation,
 * the session secret required in production, two routers that share nothing, an unreachable
 * session store answering 503, and an app's own KeyValueStore holding the sessions.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import express from 'express'
import supertest from 'supertest'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter, type UserRouterOptions } from '../../src/index.js'
import { UserRouterError } from '../../src/errors.js'
import { PASSWORD } from '../helpers/test-app.js'
import { SESSION_SECRET, sessionCookie } from './admin-app.js'

const quiet = { warn() {}, error() {} }
const options = (extra: Partial<UserRouterOptions> = {}): UserRouterOptions => ({
  storage: new MemoryUserStore(),
  redis: new MemoryKeyValueStore(),
  clients: ['c1'],
  password: { scrypt: { logN: 4 } },
  logger: quiet,
  sessionSecret: SESSION_SECRET,
  admin: { authorize: () => true },
  ...extra,
})

/** An app with the router; `signIn` registers `root` and signs it in as admin, answering the cookie. */
function app(extra: Partial<UserRouterOptions> = {}) {
  const request = supertest(express().use(createUserRouter(options(extra))))
  return {
    request,
    async signIn(): Promise<string> {
      await request.post('/hserve/v2.0/register/username/').set('X-Hydrogen-Client-ID', 'c1').send({ username: 'root', password: PASSWORD })
      const res = await request.post('/userve/v1/login/').send({ username: 'root', password: PASSWORD })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      return sessionCookie(res)
    },
  }
}

describe('admin API options', () => {
  it('serves no /userve route unless admin is given', async () => {
    const { request } = app({ admin: undefined })
    assert.equal((await request.post('/userve/v1/login/').send({ username: 'root', password: PASSWORD })).status, 404)
    assert.equal((await request.get('/userve/v2.2/miniapp/user_profile/')).status, 404)
  })

  it('checks the admin options at creation, naming the option', () => {
    const cases: [Partial<UserRouterOptions>, RegExp][] = [
      [{ admin: {} as never }, /options\.admin\.authorize is required/],
      [{ admin: { authorize: true } as never }, /options\.admin\.authorize must be of type function/],
      [{ admin: { authorize: () => true, sessionTtlSeconds: 0 } }, /options\.admin\.sessionTtlSeconds must be greater than or equal to 1/],
      [{ admin: { authorize: () => true, cookieName: 'has space' } }, /options\.admin\.cookieName/],
      [{ admin: { authorize: () => true, trustedOrigins: ['dashboard.example.com'] } }, /options\.admin\.trustedOrigins\.0 must be a valid uri/],
      [{ sessionSecret: 'short' }, /options\.sessionSecret/],
    ]
    for (const [extra, message] of cases) assert.throws(() => createUserRouter(options(extra)), message)
  })

  it('requires sessionSecret in production, and warns about a random one elsewhere', () => {
    const saved = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      assert.throws(() => createUserRouter(options({ sessionSecret: undefined, publicUrl: 'https://x.example' })), /options\.sessionSecret is required in production/)
    } finally {
      process.env.NODE_ENV = saved
    }
    const warnings: string[] = []
    createUserRouter(options({ sessionSecret: undefined, logger: { warn: (m) => void warnings.push(m), error() {} } }))
    assert.ok(
      warnings.some((w) => /sessionSecret/.test(w)),
      JSON.stringify(warnings),
    )
  })

  it('accepts a list of secrets: sessions signed with an older one stay valid after a rotation', async () => {
    const storage = new MemoryUserStore()
    const redis = new MemoryKeyValueStore()
    const before = app({ storage, redis })
    const cookie = await before.signIn()
    const rotated = app({ storage, redis, sessionSecret: ['a brand new secret of 32 characters or more', SESSION_SECRET] })
    assert.equal((await rotated.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200)
    const dropped = app({ storage, redis, sessionSecret: 'a brand new secret of 32 characters or more' })
    assert.equal((await dropped.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 401)
  })

  it('shares nothing between two routers: a session of one is no session of the other', async () => {
    const storage = new MemoryUserStore()
    const first = app({ storage, redis: undefined })
    const second = app({ storage, redis: undefined })
    const cookie = await first.signIn()
    assert.equal((await first.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200)
    assert.equal((await second.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 401)
  })

  it('answers 503 unavailable when the session store cannot be reached, and recovers', async () => {
    const kv = new MemoryKeyValueStore()
    let down = false
    const flaky = new Proxy(kv, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => (down ? Promise.reject(new UserRouterError('unavailable')) : value.apply(target, args))
      },
    })
    const { request, signIn } = app({ redis: flaky })
    const cookie = await signIn()
    down = true
    const res = await request.get('/userve/v1/user-profile/').set('Cookie', cookie)
    assert.equal(res.status, 503, JSON.stringify(res.body))
    assert.equal(res.body.code, 'unavailable')
    down = false
    assert.equal((await request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200)
  })
})
