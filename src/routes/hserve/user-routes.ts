/**
 * Profile routes of the client API: one user by id, the user list (SPEC section 6), and the
 * signed-in user's own profile update (section 7).
 */
import type { Router } from 'express'
import { UserRouterError } from '../../errors.js'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { listMeta } from '../../http/list-meta.js'
import { parseListParams } from '../../query/parse-list-params.js'
import { parseProfileUpdate } from '../../query/parse-update.js'
import { getUser, listUsers, updateProfile } from '../../services/users.js'
import type { ClientApiContext } from './context.js'
import { toWireUser } from './wire.js'

const USER_ID = /^[1-9]\d{0,15}$/

export function mountUserRoutes(router: Router, { deps, requireSession }: ClientApiContext): void {
  const { schema } = deps

  for (const version of ['v2.0', 'v2.2', 'v2.5']) {
    router.get(`/hserve/${version}/user/info/:id`, requireSession, handler(async (req, res) => {
      const id = String(req.params.id)
      const user = USER_ID.test(id) ? await getUser(deps, Number(id)) : null
      if (!user) throw new UserRouterError('user_not_found')
      const full = user.id === sessionOf(res).userId
      const { select } = parseListParams({ keys: req.query.keys }, { schema, visibility: full ? 'all' : 'public' })
      res.json(toWireUser(user, schema, { full, select }))
    }))
  }

  // v2.0 always answers total_count; from v2.2 on it is computed only on request (seed 001).
  for (const [version, alwaysCount] of [['v2.0', true], ['v2.2', false]] as const) {
    router.get(`/hserve/${version}/user/info`, requireSession, handler(async (req, res) => {
      const viewer = sessionOf(res).userId
      const parsed = parseListParams(req.query as Record<string, unknown>, { schema, visibility: 'public' })
      const { select } = parsed
      const query = alwaysCount ? { ...parsed.query, count: true } : parsed.query
      const page = await listUsers(deps, query)
      res.json({
        meta: listMeta(req, query, page),
        objects: page.users.map((user) => toWireUser(user, schema, { full: user.id === viewer, select })),
      })
    }))
  }

  router.put('/hserve/v2.5/user/info', requireSession, handler(async (req, res) => {
    const operations = parseProfileUpdate(req.body, schema)
    const user = await updateProfile(deps, sessionOf(res).userId, operations)
    res.json(toWireUser(user, schema, { full: true }))
  }))
}
