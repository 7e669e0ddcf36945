/**
 * The example app (`npm run example`): an Express app that mounts express-user-router on embedded
 * defaults. SQLite file storage unless DATABASE_URL says otherwise, Redis from REDIS_URL or
 * localhost:6379 when reachable (else the in-process stand-in), client id `demo`, custom fields
 * `score` and `tags` (at most 20), CORS for local origins, console mailer and SMS sender (codes and links are
 * printed), the phone API with one OAuth client (OAUTH_CLIENT_ID / OAUTH_CLIENT_SECRET, demo-app /
 * demo-secret outside production). It prints its URL and curl lines that work as printed, and serves
 * the demo page at `/` and the admin page at `/admin.html`. The dev outbox (`GET /dev/outbox?to=<phone
 * or e-mail>`: the last message sent there, as JSON) is on with DEV_OUTBOX=1, off with DEV_OUTBOX=0;
 * unset, it is on outside production when the app listens on loopback only, so that the demo page can
 * show SMS codes.
 *
 * The store indexes `score` (`indexedFields`, and `-score` for the leaderboard's order), so a
 * leaderboard (`order_by=-score`) and `where={"score":{"$gte":n}}` newest first (`order_by=-created_at`)
 * read indexes instead of every user's profile.
 *
 * The admin API is on: the user ADMIN_USERNAME (default `admin`) is created on first start with
 * ADMIN_PASSWORD, or a random password printed once; it is the one admin. SESSION_SECRET signs the
 * admin cookie (random per start when unset, outside production).
 *
 * Third-party sign-in is on when a provider is configured (examples/identity-providers.ts: OIDC_ISSUER,
 * OIDC_CLIENT_ID, OIDC_CLIENT_SECRET; WECHAT_APP_ID, WECHAT_APP_SECRET for the mini-program routes);
 * the demo page reads the web ones at `/identity-providers.json`.
 * PUBLIC_URL is the router's public URL (required in production with a provider).
 */
import express from 'express'
import { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConsoleMailer, ConsoleSmsSender } from '../adapters/console/index.js'
import { createUserRouter, hashPassword, isUserRouterError, type UserStore } from '../src/index.js'
import { createApiDocs } from './api-docs.js'
import { createDemoPage } from './demo-page.js'
import { createDevOutbox } from './dev-outbox.js'
import { identityProvidersFromEnv } from './identity-providers.js'

const PORT = Number(process.env.PORT ?? 3000)
const HOST = process.env.HOST ?? '127.0.0.1'
const DEFAULT_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/data/example.sqlite')
const DATABASE_URL = process.env.DATABASE_URL || DEFAULT_FILE
const CLIENT_ID = 'demo'
const ADMIN_USERNAME = process.env.ADMIN_USERNAME || 'admin'
const LOOPBACK = /^(127\.[\d.]+|localhost|::1)$/.test(HOST)
// Unset: on in development while only this machine can reach the app (the demo page reads SMS codes from it).
const DEV_OUTBOX = process.env.DEV_OUTBOX ? /^(1|true)$/.test(process.env.DEV_OUTBOX) : process.env.NODE_ENV !== 'production' && LOOPBACK

if (DEV_OUTBOX && process.env.NODE_ENV === 'production') {
  console.error('DEV_OUTBOX=1 is refused when NODE_ENV=production: the outbox shows codes and links to anyone.')
  process.exit(1)
}

// Read first: a mistake there stops the app before it touches storage. A sign-in returns to the
// app's own pages only: this origin, unless IDP_ALLOWED_ORIGINS says otherwise.
const ownOrigin = `http://${HOST.includes(':') ? `[${HOST}]` : HOST}:${PORT}`
const identityProviders = identityProvidersFromEnv(process.env, ownOrigin)

/**
 * `score` is indexed, where the schema lives (migrate() adds its column and indexes): a leaderboard
 * (`order_by=-score`) and `where={"score":{"$gte":n}}` newest first read indexes. Both stores take the
 * same declaration; `-score` serves SQLite's descending order (PostgreSQL scans the index backwards).
 */
const INDEXES = { indexedFields: { score: 'integer' }, indexes: [['-score']] } as const

async function openStore(): Promise<UserStore> {
  if (/^postgres(ql)?:\/\//.test(DATABASE_URL)) {
    const { PostgresUserStore } = await import('../adapters/postgres/index.js')
    const store = new PostgresUserStore({ connectionString: DATABASE_URL, ...INDEXES })
    await store.migrate()
    return store
  }
  mkdirSync(dirname(DATABASE_URL), { recursive: true })
  const { SqliteUserStore } = await import('../adapters/sqlite/index.js')
  const store = new SqliteUserStore({ filename: DATABASE_URL, ...INDEXES })
  await store.migrate()
  return store
}

/** REDIS_URL if set; otherwise a local Redis if one answers; otherwise none (the stand-in). */
async function findRedis(): Promise<string | undefined> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null })
  probe.on('error', () => {})
  try {
    await probe.connect()
    await probe.ping()
    return url
  } catch (error) {
    if (process.env.REDIS_URL) throw new Error(`REDIS_URL ${url} is not reachable: ${(error as Error).message}`)
    return undefined
  } finally {
    probe.disconnect()
  }
}

/**
 * The admin's id: the existing ADMIN_USERNAME user, or a new one whose password (ADMIN_PASSWORD, or
 * random and printed this once) is hashed into the store. `authorize` trusts this id only: an id is
 * something a user cannot change about itself, unlike a profile field.
 */
async function seedAdmin(store: UserStore): Promise<number> {
  const existing = await store.getUserByIdentifier('username', ADMIN_USERNAME)
  if (existing) return existing.id
  const password = process.env.ADMIN_PASSWORD || randomBytes(12).toString('base64url')
  try {
    const admin = await store.createUser({ username: ADMIN_USERNAME, passwordHash: await hashPassword(password), nickname: 'Admin', createdAt: Math.floor(Date.now() / 1000) })
    if (!process.env.ADMIN_PASSWORD) {
      console.log(`Admin user "${ADMIN_USERNAME}" created with a random password, shown this once; keep it in your shell:`)
      console.log(`  export ADMIN_PASSWORD='${password}'`)
    }
    return admin.id
  } catch (error) {
    // Another process seeded it first.
    if (!isUserRouterError(error, 'username_taken')) throw error
    return (await store.getUserByIdentifier('username', ADMIN_USERNAME))!.id
  }
}

const store = await openStore()
const adminId = await seedAdmin(store)
const redis = await findRedis()
// The console adapters print codes and links; the outbox also keeps the last one per recipient.
// Not in production, where they would put secrets in the logs: the e-mail and SMS routes are off.
const outbox = DEV_OUTBOX ? createDevOutbox() : undefined
const senders = process.env.NODE_ENV === 'production' ? {} : { mailer: outbox?.mailer ?? new ConsoleMailer(), sms: outbox?.sms ?? new ConsoleSmsSender() }
// The phone API's OAuth client: demo-app / demo-secret outside production, from the environment in it.
const oauthClient =
  process.env.OAUTH_CLIENT_ID && process.env.OAUTH_CLIENT_SECRET
    ? { id: process.env.OAUTH_CLIENT_ID, secret: process.env.OAUTH_CLIENT_SECRET }
    : process.env.NODE_ENV === 'production'
      ? undefined
      : { id: 'demo-app', secret: 'demo-secret' }
const router = createUserRouter({
  storage: store,
  // Without REDIS_PREFIX the router derives its prefix from the user store: apps on other users never meet.
  ...(redis ? { redis, ...(process.env.REDIS_PREFIX ? { keyPrefix: process.env.REDIS_PREFIX } : {}) } : {}),
  ...senders,
  clients: [CLIENT_ID],
  profileFields: { score: 'integer', tags: { type: 'array', items: 'string', maxLength: 20 } },
  anonymousLogin: true,
  ...(oauthClient ? { oauth: { clients: [oauthClient] } } : {}),
  cors: { origins: [/^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/] },
  openApi: { path: '/openapi.json', title: 'express-user-router example' },
  admin: { authorize: (user) => user.id === adminId },
  ...(process.env.SESSION_SECRET ? { sessionSecret: process.env.SESSION_SECRET } : {}),
  ...(process.env.PUBLIC_URL ? { publicUrl: process.env.PUBLIC_URL } : {}),
  ...(identityProviders ? { identityProviders } : {}),
})

const app = express()
if (outbox) app.use(outbox.router)
app.use(createDemoPage({ identityProviders: Object.keys(identityProviders?.providers ?? {}) }))
app.use(router)
app.use(createApiDocs())

const server = app.listen(PORT, HOST, () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : PORT
  const base = `http://${HOST}:${port}`
  const json = `-H 'X-Hydrogen-Client-ID: ${CLIENT_ID}' -H 'Content-Type: application/json'`
  console.log(`express-user-router example on ${base}`)
  console.log(`Demo page (register, sign in, profile) in your browser: ${base}/`)
  console.log(`Admin page (find and edit users; sign in as ${ADMIN_USERNAME} with ADMIN_PASSWORD or the password printed at its first start): ${base}/admin.html`)
  console.log(`API reference: ${base}/docs (OpenAPI document: ${base}/openapi.json)`)
  console.log(`storage: ${DATABASE_URL.startsWith('postgres') ? 'PostgreSQL' : DATABASE_URL}; redis: ${redis ? 'connected' : 'in-process stand-in'}`)
  console.log('Try, in one shell (the second line keeps the token in $TOKEN):')
  console.log(`  curl -X POST ${json} -d '{"username":"alice","password":"correct horse"}' ${base}/hserve/v2.1/register/username/`)
  console.log(`  TOKEN=$(curl -s -X POST ${json} -d '{"username":"alice","password":"correct horse"}' ${base}/hserve/v2.1/login/username/ | sed -E 's/.*"token":"([^"]+)".*/\\1/')`)
  console.log(`  curl -H 'X-Hydrogen-Client-ID: ${CLIENT_ID}' -H "Authorization: Hydrogen-r1 $TOKEN" '${base}/hserve/v2.2/user/info/?return_total_count=1'`)
  console.log(
    `  curl -X PUT ${json} -H "Authorization: Hydrogen-r1 $TOKEN" -d '{"nickname":"Alice","score":{"$incr_by":1},"tags":{"$append_unique":["blue"]}}' ${base}/hserve/v2.5/user/info/`,
  )
  console.log(`  curl -X POST ${json} -H "Authorization: Hydrogen-r1 $TOKEN" ${base}/hserve/v2.0/session/destroy/`)
  if (oauthClient) {
    console.log(`Phone API + OAuth (client ${oauthClient.id}): the same account gets tokens from /oauth/token:`)
    // The default demo secret is printed; a secret from the environment is referred to, never printed.
    const credentials = process.env.OAUTH_CLIENT_SECRET ? '"$OAUTH_CLIENT_ID:$OAUTH_CLIENT_SECRET"' : `'${oauthClient.id}:${oauthClient.secret}'`
    console.log(`  curl -u ${credentials} -d grant_type=password -d username=alice -d 'password=correct horse' ${base}/oauth/token`)
  }
  console.log(`Admin API, with $ADMIN_PASSWORD set in your shell and the session cookie kept in admin-cookies.txt:`)
  console.log(`  curl -c admin-cookies.txt -H 'Content-Type: application/json' -d '{"username":"${ADMIN_USERNAME}","password":"'"$ADMIN_PASSWORD"'"}' ${base}/userve/v1/login/`)
  console.log(`  curl -b admin-cookies.txt '${base}/userve/v2.2/miniapp/user_profile/?nickname__contains=Alice&return_total_count=1'`)
  console.log(`  curl -b admin-cookies.txt -X POST ${base}/userve/v1/logout/`)
  for (const name of Object.keys(identityProviders?.providers ?? {})) {
    const callback = `${process.env.PUBLIC_URL?.replace(/\/+$/, '') || base}/hserve/v2.0/idp/${name}/callback/`
    console.log(`Sign-in with ${name} on the demo page; the provider's redirect URI: ${callback}`)
  }
  if (outbox) console.log(`Dev outbox (last code or link per recipient): curl '${base}/dev/outbox?to=<phone or e-mail>'`)
})

async function shutdown(): Promise<void> {
  server.close()
  await router.close()
  await store.close()
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown())
