/**
 * The reference app's login (`POST /reference/login`): what an ideal password login does on the
 * router's data, in plain Express, for the bench to set the router's logins against.
 *
 * One SELECT of the user by username (through the router's unique index), one scrypt verification
 * of the stored hash with node's async `crypto.scrypt` (so on libuv's pool, as many at once as the
 * pool has threads, no queue of its own), one Redis SET of a session key. Nothing else: no throttle,
 * no events, no rehash.
 */
import type { RequestHandler } from 'express'
import type { Redis } from 'ioredis'
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import type pg from 'pg'
import { DATABASE_DEFAULT, DETECT_ICU, ICU_ROOT } from '../../adapters/postgres/migrate.js'
import { tableNames } from '../../adapters/postgres/options.js'

const SESSION_TTL_SECONDS = 3600

/** Layout of a stored hash (scrypt-kdf: Colin Percival's scrypt file header, 96 bytes). */
const HASH_BYTES = 96

function scryptAsync(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 64, { ...params, maxmem: 2 ** 31 - 1 }, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

/** Whether the password matches the stored hash: scrypt with the hash's own salt and parameters, then its HMAC. */
export async function verifyStoredHash(stored: string, password: string): Promise<boolean> {
  const key = Buffer.from(stored, 'base64')
  if (key.length !== HASH_BYTES || key.subarray(0, 6).toString('latin1') !== 'scrypt') return false
  const params = { N: 2 ** key.readUInt8(7), r: key.readUInt32BE(8), p: key.readUInt32BE(12) }
  const derived = await scryptAsync(password.normalize('NFKC'), key.subarray(16, 48), params)
  const mac = createHmac('sha256', derived.subarray(32)).update(key.subarray(0, 64)).digest()
  return timingSafeEqual(mac, key.subarray(64))
}

export interface ReferenceLoginSetup {
  pool: pg.Pool
  redis: Redis
  schema: string
  keyPrefix: string
}

export interface ReferenceLogin {
  handler: RequestHandler
  /** Logins started and not yet finished, answered or not: the bench waits for 0 before it goes on. */
  inFlight(): number
}

/** The handler, once the collation of the username index is known (ICU's root when the server has it). */
export async function referenceLogin({ pool, redis, schema, keyPrefix }: ReferenceLoginSetup): Promise<ReferenceLogin> {
  const { rows } = await pool.query(DETECT_ICU)
  const collation = rows[0]?.icu === true ? ICU_ROOT : DATABASE_DEFAULT
  const table = tableNames(schema, 'user_router_users').qualified
  const selectByUsername = `SELECT id, password_hash FROM ${table} WHERE lower(username COLLATE ${collation}) = lower($1::text COLLATE ${collation})`
  let running = 0
  const handler: RequestHandler = (req, res, next) => {
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown }
    if (typeof username !== 'string' || typeof password !== 'string') return void res.status(400).json({ code: 'invalid_request' })
    running++
    pool
      .query(selectByUsername, [username])
      .then(async ({ rows: found }) => {
        const user = found[0] as { id: string; password_hash: string | null } | undefined
        if (!user?.password_hash || !(await verifyStoredHash(user.password_hash, password))) {
          return void res.status(400).json({ code: 'invalid_credentials' })
        }
        const token = randomBytes(32).toString('base64url')
        const tokenHash = createHash('sha256').update(token).digest('hex')
        await redis.set(`${keyPrefix}reference-session:${tokenHash}`, user.id, 'EX', SESSION_TTL_SECONDS)
        res.status(201).json({ token, user_id: Number(user.id) })
      })
      .catch(next)
      .finally(() => {
        running--
      })
  }
  return { handler, inFlight: () => running }
}
