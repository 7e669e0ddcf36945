/**
 * Profile routes of the client API: one user by id, the user list, and the
 * signed-in user's own profile update (section 7).
 */
import { UserRouterError } from '../../errors.js'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { listMeta } from '../../http/list-meta.js'
import { parseListParams } from '../../query/parse-list-params.js'
import { parseProfileUpdate } from '../../query/parse-update.js'
import { getUser, listUsers, updateProfile } from '../../services/users.js'
import type { ClientApiContext } from './context.js'
import { clientResponses, clientRoute, LIST_QUERY_PARAMETERS } from './docs.js'
import { toWireUser } from './wire.js'

const USER_ID = /^[1-9]\d{0,15}$/

export function mountUserRoutes({ deps, requireSession, api }: ClientApiContext): void {
  const { schema } = deps
  const keysParameter = LIST_QUERY_PARAMETERS.filter((p) => p.name === 'keys')

  for (const version of ['v2.0', 'v2.2', 'v2.5']) {
    const doc = clientRoute({
      summary: 'One user: every field for oneself, the public profile for others',
      auth: 'token',
      queryParameters: keysParameter,
      responses: clientResponses({ 200: { description: 'The user.', schema: 'SelectedUser' } }, [400, 404]),
    })
    api.get(`/hserve/${version}/user/info/:id`, doc, requireSession, handler(async (req, res) => {
      const id = String(req.params.id)
      const user = USER_ID.test(id) ? await getUser(deps, Number(id)) : null
      if (!user) throw new UserRouterError('user_not_found')
      const full = user.id === sessionOf(res).userId
      const { select } = parseListParams({ keys: req.query.keys }, { schema, visibility: full ? 'all' : 'public' })
      res.json(toWireUser(user, schema, { full, select }))
    }))
  }

  // v2.0 always answers total_count; from v2.2 on it is computed only on request.
  for (const [version, alwaysCount] of [['v2.0', true], ['v2.2', false]] as const) {
    const doc = clientRoute({
      summary: alwaysCount ? 'List users (public profiles; always counts)' : 'List users (public profiles)',
      auth: 'token',
      queryParameters: LIST_QUERY_PARAMETERS,
      responses: clientResponses({ 200: { description: 'One page of users.', schema: 'UserList' } }, [400]),
    })
    api.get(`/hserve/${version}/user/info`, doc, requireSession, handler(async (req, res) => {
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

  const updateDoc = clientRoute({
    summary: 'Update the own profile (only the given fields; atomic operators)',
    auth: 'token',
    body: 'ProfileUpdate',
    responses: clientResponses({ 200: { description: 'The updated user.', schema: 'User' } }, [400]),
  })
  api.put('/hserve/v2.5/user/info', updateDoc, requireSession, handler(async (req, res) => {
    const operations = parseProfileUpdate(req.body, schema)
    const user = await updateProfile(deps, sessionOf(res).userId, operations)
    res.json(toWireUser(user, schema, { full: true }))
  }))
}
