/**
 * The example app: an Express server on the storage layer. It opens a SQLite file by default (or
 * PostgreSQL with DATABASE_URL=postgres://...), seeds demo users on first start, and serves the
 * MinApp list query and profile update on them, so every filter, sort and atomic operator of the
 * README can be tried with curl.
 */
import express from 'express'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createUserSchema,
  isUserRouterError,
  parseListParams,
  parseProfileUpdate,
  type StoredUser,
  type UserStore,
} from '../src/index.js'
import { createRandom, randomUser } from '../src/testing/random-data.js'

const PORT = Number(process.env.PORT ?? 3000)
const HOST = process.env.HOST ?? '127.0.0.1'
const DEFAULT_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/data/example.sqlite')
const DATABASE_URL = process.env.DATABASE_URL ?? DEFAULT_FILE
const SEED_USERS = 50

const schema = createUserSchema({ score: 'integer', tags: { type: 'array', items: 'string' } })

async function openStore(): Promise<UserStore> {
  if (/^postgres(ql)?:\/\//.test(DATABASE_URL)) {
    const { PostgresUserStore } = await import('../adapters/postgres/index.js')
    const store = new PostgresUserStore({ connectionString: DATABASE_URL })
    await store.migrate()
    return store
  }
  mkdirSync(dirname(DATABASE_URL), { recursive: true })
  const { SqliteUserStore } = await import('../adapters/sqlite/index.js')
  const store = new SqliteUserStore({ filename: DATABASE_URL })
  await store.migrate()
  return store
}

/** Seeds reproducible demo users once: nicknames, genders, countries, a `score` and `tags`. */
async function seed(store: UserStore): Promise<void> {
  const existing = await store.listUsers({ filter: null, order: [], limit: 1, offset: 0, count: false })
  if (existing.users.length > 0) return
  const random = createRandom(7)
  for (let i = 0; i < SEED_USERS; i++) {
    const user = randomUser(random, i)
    const score = random.int(0, 100)
    const tags = random.some(['red', 'green', 'blue'], 0, 2)
    await store.createUser({ ...user, username: `demo${i}`, email: `demo${i}@example.com`, phone: null, profile: { score, tags } })
  }
}

/** The user in MinApp field names (private identifiers included: this demo has no sign-in). */
function toMinApp(user: StoredUser): Record<string, unknown> {
  const custom = Object.fromEntries(schema.custom.map((f) => [f.name, user.profile[f.name] ?? null]))
  return {
    id: user.id, user_id: user.id, _username: user.username, _email: user.email, _email_verified: user.emailVerified,
    nickname: user.nickname, gender: user.gender, country: user.country, city: user.city,
    created_at: user.createdAt, updated_at: user.updatedAt, ...custom,
  }
}

const store = await openStore()
await seed(store)

const app = express()
app.use(express.json({ limit: '16kb' }))

app.get('/users', async (req, res, next) => {
  try {
    const { query } = parseListParams(req.query as Record<string, unknown>, { schema, visibility: 'all' })
    const page = await store.listUsers(query)
    res.json({ meta: { limit: query.limit, offset: query.offset, has_more: page.hasMore, total_count: page.totalCount }, objects: page.users.map(toMinApp) })
  } catch (error) {
    next(error)
  }
})

app.put('/users/:id', async (req, res, next) => {
  try {
    const id = Number(req.params.id)
    const operations = parseProfileUpdate(req.body, schema)
    const user = Number.isSafeInteger(id) && id > 0 ? await store.updateUser(id, { operations, updatedAt: Math.floor(Date.now() / 1000) }) : null
    if (!user) res.status(404).json({ error_msg: 'User not found.', code: 'user_not_found' })
    else res.json(toMinApp(user))
  } catch (error) {
    next(error)
  }
})

app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  if (isUserRouterError(error) && error.kind === 'invalid') {
    res.status(400).json({ error_msg: error.message, code: error.code, details: error.details })
    return
  }
  const status = (error as { status?: number }).status
  if (status && status >= 400 && status < 500) {
    res.status(status).json({ error_msg: 'The request body is not valid JSON.', code: 'invalid_body' })
    return
  }
  console.error(error)
  res.status(isUserRouterError(error, 'unavailable') ? 503 : 500).json({ error_msg: 'Internal error.', code: 'internal' })
})

const server = app.listen(PORT, HOST, () => {
  const base = `http://${HOST}:${PORT}`
  console.log(`express-user-router example on ${base} (storage: ${DATABASE_URL.startsWith('postgres') ? 'PostgreSQL' : DATABASE_URL})`)
  console.log('Try:')
  console.log(`  curl '${base}/users?nickname__icontains=tom&order_by=-created_at&return_total_count=1'`)
  console.log(`  curl -G '${base}/users' --data-urlencode 'where={"$or":[{"score":{"$gte":90}},{"tags":{"$all":["red","blue"]}}]}'`)
  console.log(`  curl -X PUT -H 'Content-Type: application/json' -d '{"score":{"$incr_by":1},"tags":{"$append_unique":["green"]}}' ${base}/users/1`)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => void store.close()))
}
