/**
 * The reference app's list route, `GET /reference/users?tier=n`: what an ideal app with `tier` as a
 * real indexed column does for the first page of a tier, newest first, with its total count: one
 * Redis GET of the session key, then the page (20) and the count, both served by the index
 * `(tier, created_at, id)` of its own table (`custom-fields.ts`).
 */
import { createHash } from 'node:crypto'
import type express from 'express'
import type { Redis } from 'ioredis'
import type pg from 'pg'
import { quote } from '../../adapters/postgres/options.js'
import { COLUMNS } from '../../adapters/postgres/rows.js'
import { REFERENCE_TABLE } from './custom-fields.js'

const PAGE_SIZE = 20

export function referenceListRoute(pool: pg.Pool, redis: Redis, schema: string, keyPrefix: string): express.RequestHandler {
  const table = `${quote(schema)}.${quote(REFERENCE_TABLE)}`
  const columns = [
    ...Object.values(COLUMNS)
      .map((c) => c.name)
      .filter((name) => name !== 'password_hash'),
    'tier',
    'score',
  ].join(', ')
  const pageSql = `SELECT ${columns} FROM ${table} WHERE tier = $1::integer ORDER BY created_at DESC, id DESC LIMIT ${PAGE_SIZE}`
  const countSql = `SELECT count(*) AS total FROM ${table} WHERE tier = $1::integer`
  return (req, res, next) => {
    const match = /^(?:Hydrogen-r1|Bearer)\s+(\S+)$/i.exec(req.get('authorization') ?? '')
    if (!match) return void res.status(401).json({ code: 'unauthenticated' })
    const tier = req.query.tier
    if (typeof tier !== 'string' || !/^[0-9]{1,9}$/.test(tier)) return void res.status(400).json({ code: 'invalid_query', field: 'tier' })
    const tokenHash = createHash('sha256').update(match[1]!).digest('hex')
    redis
      .get(`${keyPrefix}session:${tokenHash}`)
      .then(async (session) => {
        if (session === null) return void res.status(401).json({ code: 'unauthenticated' })
        const [page, count] = await Promise.all([pool.query(pageSql, [tier]), pool.query<{ total: string }>(countSql, [tier])])
        res.json({ meta: { limit: PAGE_SIZE, offset: 0, total_count: Number(count.rows[0]!.total) }, objects: page.rows })
      })
      .catch(next)
  }
}
