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
import { KEYS_PARAMETER, LIST_QUERY_PARAMETERS } from '../minapp/list-parameters.js'
import { userIdParam } from '../minapp/user-id.js'
import { toWireUser } from '../minapp/wire.js'
import type { ClientApiContext } from './context.js'
import { docs } from './docs.js'

export function mountUserRoutes({ deps, requireAuth, api }: ClientApiContext): void {
  const { schema } = deps

  for (const version of ['v2.0', 'v2.2', 'v2.5']) {
    const doc = docs.route({
      summary: 'One user: every field for oneself, the public profile for others',
      auth: 'token',
      queryParameters: KEYS_PARAMETER,
      responses: docs.responses({ 200: { description: 'The user.', schema: 'SelectedUser' } }, [400, 404]),
    })
    api.get(
      `/hserve/${version}/user/info/:id`,
      doc,
      requireAuth,
      handler(async (req, res) => {
        const user = await getUser(deps, userIdParam(req))
        if (!user) throw new UserRouterError('user_not_found')
        const full = user.id === sessionOf(res).userId
        const { keys } = req.query
        // Without `keys` there is nothing to parse: the whole view.
        const select = keys === undefined ? null : parseListParams({ keys }, { schema, visibility: full ? 'all' : 'public' }).select
        res.json(toWireUser(user, schema, { full, select }))
      }),
    )
  }

  // v2.0 always answers total_count; from v2.2 on it is computed only on request.
  for (const [version, alwaysCount] of [
    ['v2.0', true],
    ['v2.2', false],
  ] as const) {
    const doc = docs.route({
      summary: alwaysCount ? 'List users (public profiles; always counts)' : 'List users (public profiles)',
      auth: 'token',
      queryParameters: LIST_QUERY_PARAMETERS,
      responses: docs.responses({ 200: { description: 'One page of users.', schema: 'UserList' } }, [400]),
    })
    api.get(
      `/hserve/${version}/user/info`,
      doc,
      requireAuth,
      handler(async (req, res) => {
        const viewer = sessionOf(res).userId
        const parsed = parseListParams(req.query as Record<string, unknown>, { schema, visibility: 'public' })
        const { select } = parsed
        const query = alwaysCount ? { ...parsed.query, count: true } : parsed.query
        const page = await listUsers(deps, query)
        res.json({
          meta: listMeta(req, query, page),
          objects: page.users.map((user) => toWireUser(user, schema, { full: user.id === viewer, select })),
        })
      }),
    )
  }

  const updateDoc = docs.route({
    summary: 'Update the own profile (only the given fields; atomic operators)',
    auth: 'token',
    body: 'ProfileUpdate',
    responses: docs.responses({ 200: { description: 'The updated user.', schema: 'User' } }, [400]),
  })
  api.put(
    '/hserve/v2.5/user/info',
    updateDoc,
    requireAuth,
    handler(async (req, res) => {
      const operations = parseProfileUpdate(req.body, schema)
      const user = await updateProfile(deps, sessionOf(res).userId, operations)
      res.json(toWireUser(user, schema, { full: true }))
    }),
  )
}
