/**
 * The OpenAPI 3.1 document: valid against the OpenAPI 3.1 schema (checked by
 * @seriousme/openapi-schema-validator), and in step with the router: every route Express has
 * mounted is in the document and every documented operation is mounted, for every combination of
 * families; request schemas are the routes' own Joi schemas.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import type { Router } from 'express'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter, type UserRouter } from '../../src/create-user-router.js'
import { openApiDocument } from '../../src/index.js'
import type { UserRouterOptions } from '../../src/options.js'
import { createTestApp, closeTestApps, CLIENT_ID, recordingLogger } from '../helpers/test-app.js'
import { smsOutbox } from '../helpers/sms-outbox.js'

after(closeTestApps)

const silent = recordingLogger()
const quiet = { warn() {}, error() {} }
const CONFIGS: Record<string, Partial<UserRouterOptions>> = {
  'the client API with its defaults': {},
  'every family and option': {
    openApi: { path: '/openapi.json' },
    sms: smsOutbox().sender,
    anonymousLogin: true,
    oauth: { clients: [{ id: 'app', secret: 'app-secret' }] },
    admin: { authorize: () => true },
    sessionSecret: 'an OpenAPI test secret of 32 characters',
    identityProviders: {
      providers: { oidc: { authorizationUrl: async () => 'https://id.example.com/authorize', complete: async () => ({ subject: 's', unionId: null, raw: {} }) } },
      allowedCallbackOrigins: ['https://app.example.com'],
    },
    profileFields: { score: 'integer', tags: { type: 'array', items: 'string' }, born: 'date', bio: { type: 'string', maxLength: 500, public: false } },
  },
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> }
  name?: string
  handle?: { stack?: Layer[] }
}

/** Every `METHOD path` Express has mounted, walking nested routers. */
function mountedRoutes(router: Router): Set<string> {
  const found = new Set<string>()
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) found.add(`${method} ${layer.route.path}`)
      else if (layer.handle?.stack) walk(layer.handle.stack)
    }
  }
  walk((router as unknown as { stack: Layer[] }).stack)
  return found
}

/** The operations of the document, in Express notation (`:id`, no trailing slash). */
function documentedRoutes(document: Record<string, unknown>): Set<string> {
  const found = new Set<string>()
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
    const express = path.replace(/\{([^}]+)\}/g, ':$1').replace(/(.)\/$/, '$1')
    for (const method of Object.keys(item)) found.add(`${method} ${express}`)
  }
  return found
}

function create(options: Partial<UserRouterOptions>): UserRouter {
  return createUserRouter({ storage: new MemoryUserStore(), clients: [CLIENT_ID], logger: quiet, ...options })
}

describe('OpenAPI document', () => {
  for (const [name, options] of Object.entries(CONFIGS)) {
    it(`is valid OpenAPI 3.1 and lists exactly the mounted routes: ${name}`, async () => {
      const router = create(options)
      const document = openApiDocument(router, { serverUrl: 'https://api.example.com/accounts' })
      const result = await new Validator().validate(document as never)
      assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 3000))
      // The validator does look: a parameter in a place OpenAPI does not know fails it.
      const broken = structuredClone(document) as { paths: Record<string, Record<string, { parameters?: Record<string, unknown>[] }>> }
      broken.paths['/hserve/v2.2/user/info/']!.get!.parameters![0]!.in = 'body'
      assert.equal((await new Validator().validate(broken as never)).valid, false)
      assert.equal((document as { openapi: string }).openapi, '3.1.0')
      const mounted = mountedRoutes(router)
      assert.deepEqual([...documentedRoutes(document)].sort(), [...mounted].sort())
      assert.ok(mounted.size > 10)
      await router.close()
    })
  }

  it('takes request schemas from the Joi schemas the routes validate with', () => {
    const router = create(CONFIGS['every family and option']!)
    const paths = openApiDocument(router).paths as Record<
      string,
      Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; parameters?: { name: string; required: boolean }[] }>
    >
    const register = paths['/hserve/v2.1/register/phone/']!.post!.requestBody!.content['application/json']!.schema
    assert.deepEqual(register.required, ['phone', 'password'])
    assert.deepEqual((register.properties as Record<string, unknown>).password, { type: 'string', minLength: 1, maxLength: 1024 })
    const token = paths['/oauth/token']!.post!.requestBody!.content
    assert.deepEqual(Object.keys(token).sort(), ['application/json', 'application/x-www-form-urlencoded'])
    assert.deepEqual(token['application/json']!.schema.required, ['grant_type'])
    const code = paths['/api/v1/users/validation_code']!.get!.parameters!
    assert.deepEqual(
      code.map((p) => [p.name, p.required]),
      [
        ['phone', true],
        ['type', true],
      ],
    )
  })

  it("documents the suspension: the admin account route's field, and 403 on the sign-ins it refuses", () => {
    const router = create(CONFIGS['every family and option']!)
    type Operation = { requestBody?: { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }> }; responses: Record<string, unknown> }
    const paths = openApiDocument(router).paths as Record<string, Record<string, Operation>>
    const account = paths['/userve/v2.2/miniapp/user/account/{id}/']!.put!
    assert.equal(account.requestBody!.content['application/json']!.schema.properties.suspended!.type, 'boolean')
    assert.ok('403' in account.responses)
    for (const [path, method] of [
      ['/hserve/v2.1/login/username/', 'post'],
      ['/hserve/v2.1/login/sms/', 'post'],
      ['/hserve/v2.0/idp/{provider}/authenticate/', 'post'],
      ['/api/v1/users/login', 'post'],
      ['/oauth/token', 'post'],
      ['/userve/v1/login/', 'post'],
    ] as const) {
      assert.ok(paths[path]?.[method], `${method} ${path} is documented`)
      assert.match(JSON.stringify(paths[path]![method]!.responses['403']), /suspended/, `${method} ${path}`)
    }
  })

  it('describes the custom profile fields, and marks hidden ones', () => {
    const router = create(CONFIGS['every family and option']!)
    const schemas = (openApiDocument(router).components as { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> }).schemas
    const user = schemas.User!.properties
    assert.deepEqual(user.score, { type: ['integer', 'null'] })
    assert.deepEqual(user.born, { type: ['string', 'null'], format: 'date-time' })
    assert.match(String(user.bio!.description), /owner/)
    assert.match(String(user._email!.description), /owner/)
    assert.deepEqual(
      Object.keys(schemas.ProfileUpdate!.properties).filter((n) => n.startsWith('_')),
      [],
    )
    assert.ok('tags' in schemas.ProfileUpdate!.properties && '$unset' in schemas.ProfileUpdate!.properties)
  })

  it('is served at the openApi path with the mount path as its server, and only there', async () => {
    const t = await createTestApp({ backend: 'memory', options: { openApi: { path: '/openapi.json', title: 'Accounts', version: '2.1.0' } } })
    const res = await t.request.get('/openapi.json')
    assert.equal(res.status, 200)
    assert.match(res.headers['content-type'] ?? '', /application\/json/)
    assert.deepEqual([res.body.info.title, res.body.info.version, res.body.servers], ['Accounts', '2.1.0', [{ url: '/' }]])
    assert.deepEqual(res.body.paths, openApiDocument(t.router).paths)
    const plain = await createTestApp({ backend: 'memory' })
    assert.equal((await plain.request.get('/openapi.json')).status, 404)
    assert.equal(silent.errors.length, 0)
  })

  it("names the admin cookie as the router's option does", async () => {
    const router = create({ admin: { authorize: () => true, cookieName: 'ops.sid' } })
    const schemes = (openApiDocument(router).components as { securitySchemes: Record<string, { name?: string }> }).securitySchemes
    assert.equal(schemes.adminCookie!.name, 'ops.sid')
    await router.close()
  })

  it('refuses an object that is not a router of createUserRouter', () => {
    assert.throws(() => openApiDocument({}), /createUserRouter/)
  })
})
