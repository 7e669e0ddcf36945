/**
 * `createUserRouter(options)`: options → services → API families → an `express.Router` that an app
 * mounts anywhere. Two routers in one process share nothing: each has its own Passport, key prefix,
 * password queue and (without Redis) its own in-process store.
 */
import { Router } from 'express'
import type { Cluster, Redis } from 'ioredis'
import { ConsoleMailer } from '../adapters/console/index.js'
import { MemoryKeyValueStore } from '../adapters/memory/memory-key-value-store.js'
import { RedisKeyValueStore } from '../adapters/redis/redis-key-value-store.js'
import { adaptersWithDefaults, warnAboutStandIn } from './development-defaults.js'
import { indexedFieldProblems } from './model/indexed-fields.js'
import { createUserSchema } from './model/schema.js'
import { adminServiceDeps, createServiceDeps, oauthServiceDeps } from './service-deps.js'
import { ScopedKeyValueStore } from './scoped-key-value-store.js'
import { adminSessionStore, type RedisKeySpace } from './admin-session-store.js'
import { type IdentityConfig, parseOptions, type RouterConfig, type UserRouterOptions } from './options.js'
import type { KeyValueStore } from './ports.js'
import { createClientApi } from './routes/client-api/index.js'
import type { ClientApiSettings } from './routes/client-api/context.js'
import { createAdminApi } from './routes/admin-api/index.js'
import type { AdminApiSettings } from './routes/admin-api/context.js'
import { createPhoneApi } from './routes/phone-api/index.js'
import type { PhoneApiSettings } from './routes/phone-api/context.js'
import { documented, RouteCatalog } from './openapi/catalog.js'
import { registerCatalog, serveOpenApiDocument } from './openapi/serve.js'
import { cors } from './http/cors.js'
import { warnWhenEveryProxyIsTrusted } from './http/trust-proxy-warning.js'

/** The router, plus `close()` for the connections the router opened itself (a Redis URL). */
export type UserRouter = Router & { close(): Promise<void> }

/** The router's store; `redis` when it has an ioredis client underneath, for connect-redis. */
function createKeyValueStore(config: RouterConfig): { kv: KeyValueStore; owned: boolean; redis?: RedisKeySpace } {
  const { redis, keyPrefix } = config
  if (redis === undefined) {
    if (config.production) {
      throw new TypeError('createUserRouter: options.redis is required when NODE_ENV=production: pass an ioredis client or a redis:// URL')
    }
    warnAboutStandIn(config)
    return { kv: new MemoryKeyValueStore(), owned: true }
  }
  if (typeof redis === 'string') return ownRedis(new RedisKeyValueStore({ url: redis, keyPrefix }), true)
  // An app's own store keeps its prefix; the router's keys go under its own prefix inside it.
  if ('getAndDelete' in redis) {
    const kv = new ScopedKeyValueStore(redis, keyPrefix)
    // An app's Redis adapter store: the same keys, through its client.
    if (redis instanceof RedisKeyValueStore) return { kv, owned: false, redis: { client: redis.client, keyPrefix: redis.keyPrefix + keyPrefix } }
    return { kv, owned: false }
  }
  return ownRedis(new RedisKeyValueStore({ client: redis as unknown as Redis | Cluster, keyPrefix }), false)
}

function ownRedis(kv: RedisKeyValueStore, owned: boolean): { kv: KeyValueStore; owned: boolean; redis: RedisKeySpace } {
  return { kv, owned, redis: { client: kv.client, keyPrefix: kv.keyPrefix } }
}

/** Whether `identityProviders` names providers that redirect the browser (not only the mini program). */
function hasRedirectProviders(config: RouterConfig): config is RouterConfig & { identityProviders: IdentityConfig } {
  return config.identityProviders !== undefined && Object.keys(config.identityProviders.providers).length > 0
}

/** Each family's part of the options: the families never read the whole configuration. */
function clientApiSettings(config: RouterConfig): ClientApiSettings {
  const { clients, cors, anonymousLogin, publicUrl, logger } = config
  const passwordLength = { min: config.password.minLength, max: config.password.maxLength }
  const identity = hasRedirectProviders(config) ? config.identityProviders : undefined
  return {
    clients,
    cors,
    anonymousLogin,
    publicUrl,
    emailLanguage: config.email.language,
    passwordLength,
    identity,
    wechatMiniProgram: config.identityProviders?.wechatMiniProgram,
    logger,
  }
}

function adminApiSettings(config: RouterConfig, admin: AdminApiSettings['admin'], sessionStore: AdminApiSettings['sessionStore']): AdminApiSettings {
  return { admin, sessionSecrets: config.sessionSecret, sessionStore, production: config.production, logger: config.logger }
}

function phoneApiSettings(config: RouterConfig): PhoneApiSettings {
  return { cors: config.cors, logger: config.logger }
}

export function createUserRouter(options: UserRouterOptions): UserRouter {
  const config = parseOptions(options)
  // Links in real mails never come from the request's Host header, which the client chooses.
  if (config.mailer && !(config.mailer instanceof ConsoleMailer) && !config.publicUrl) {
    throw new TypeError('createUserRouter: options.publicUrl is required with a mailer, for the links in e-mails, e.g. publicUrl: "https://api.example.com/accounts"')
  }
  const { sms, mailer } = adaptersWithDefaults(config)
  if (mailer && !config.publicUrl && config.production) {
    throw new TypeError('createUserRouter: options.publicUrl is required in production for the links in e-mails, e.g. publicUrl: "https://api.example.com/accounts"')
  }
  // The providers' redirect URI never comes from the request's Host header in production.
  if (hasRedirectProviders(config) && !config.publicUrl && config.production) {
    throw new TypeError(
      'createUserRouter: options.publicUrl is required in production with identityProviders, for the providers\' callback URL, e.g. publicUrl: "https://api.example.com/accounts"',
    )
  }
  const schema = createUserSchema(config.profileFields)
  // A store indexing a field the router reads otherwise would serve those lists without its index.
  const indexProblems = indexedFieldProblems(config.storage.indexedFields?.() ?? {}, schema.fields)
  if (indexProblems.length > 0) throw new TypeError(`createUserRouter: options.profileFields: ${indexProblems.join('; ')}`)
  const { kv, owned, redis } = createKeyValueStore(config)
  const deps = createServiceDeps(config, { kv, schema, sms, mailer })

  const router = Router() as UserRouter
  const catalog = new RouteCatalog()
  // Each family wraps its own routes only (see `documented`): the app's routes, even under the
  // same paths, are none of the router's business.
  catalog.everyRoute.push(warnWhenEveryProxyIsTrusted(config.logger))
  // The optional families are mounted only when configured.
  const adminDeps = adminServiceDeps(deps, config)
  if (adminDeps) {
    const sessionStore = adminSessionStore(kv, redis, adminDeps.admin.sessionTtlSeconds)
    router.use(createAdminApi({ deps: adminDeps, catalog, settings: adminApiSettings(config, adminDeps.admin, sessionStore) }))
  }
  router.use(createClientApi({ deps, catalog, settings: clientApiSettings(config) }))
  const oauthDeps = oauthServiceDeps(deps, config)
  if (oauthDeps) router.use(createPhoneApi({ deps: oauthDeps, catalog, settings: phoneApiSettings(config) }))
  if (config.openApi) {
    const doc = { summary: 'This OpenAPI 3.1 document', tag: 'docs', auth: 'none', responses: { 200: { description: 'The document.', schema: { type: 'object' } } } } as const
    const corsConfig = config.cors
    const docs = documented(router, catalog, { trailingSlash: false, ...(corsConfig ? { before: () => [cors(corsConfig)], cors: corsConfig } : {}) })
    docs.get(config.openApi.path, doc, serveOpenApiDocument(catalog, config.openApi, config.publicUrl))
  }
  registerCatalog(router, catalog)
  router.close = async () => {
    if (owned) await kv.close()
  }
  return router
}
