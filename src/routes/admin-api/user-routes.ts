/**
 * The admin API's user routes : list (five fields unsortable), detail,
 * single profile update and bulk update (section 7). Admins see and filter on every field.
 */
import { UserRouterError, fieldError } from '../../errors.js'
import { handler } from '../../http/handler.js'
import { listMeta, pageLink } from '../../http/list-meta.js'
import { parseListParams } from '../../query/parse-list-params.js'
import { parseProfileUpdate } from '../../query/parse-update.js'
import { bulkUpdateProfiles } from '../../services/admin-bulk-update.js'
import { getUser, listUsers, updateProfile } from '../../services/users.js'
import { KEYS_PARAMETER, LIST_QUERY_PARAMETERS } from '../minapp/list-parameters.js'
import { userIdParam } from '../minapp/user-id.js'
import type { AdminApiContext } from './context.js'
import { BULK_QUERY_PARAMETERS, docs } from './docs.js'
import { AFTER_ID, toAdminUser, toBulkAnswer } from './wire.js'

/** These cannot be sorted on in the admin list, as on MinApp. */
export const UNSORTABLE = ['gender', 'country', 'province', 'city', 'language'] as const

export function mountUserRoutes({ deps, requireAuth, api }: AdminApiContext): void {
  const { schema } = deps
  const everyField = { schema, visibility: 'all' } as const

  const oneUser = { 200: { description: 'The user, every field.', schema: 'User' } }
  const listDoc = docs.route({
    summary: 'List users (every field; gender, country, province, city and language cannot be sorted)',
    queryParameters: LIST_QUERY_PARAMETERS,
    responses: docs.responses({ 200: { description: 'One page of users.', schema: 'UserList' } }, [400]),
  })
  api.get(
    '/userve/v2.2/miniapp/user_profile',
    listDoc,
    requireAuth,
    handler(async (req, res) => {
      const { query, select } = parseListParams(req.query as Record<string, unknown>, everyField, { unsortable: UNSORTABLE })
      const page = await listUsers(deps, query)
      res.json({ meta: listMeta(req, query, page), objects: page.users.map((user) => toAdminUser(user, schema, select)) })
    }),
  )

  const detailDoc = docs.route({
    summary: 'One user, every field',
    queryParameters: KEYS_PARAMETER,
    responses: docs.responses({ 200: { description: 'The user: every field, or those `keys` selects.', schema: 'SelectedUser' } }, [400, 404]),
  })
  api.get(
    '/userve/v2.2/miniapp/user_profile/:id',
    detailDoc,
    requireAuth,
    handler(async (req, res) => {
      const user = await getUser(deps, userIdParam(req))
      if (!user) throw new UserRouterError('user_not_found')
      const { select } = parseListParams({ keys: req.query.keys }, everyField)
      res.json(toAdminUser(user, schema, select))
    }),
  )

  const updateDoc = docs.route({
    summary: "Update one user's profile (only the given fields; atomic operators)",
    body: 'ProfileUpdate',
    responses: docs.responses(oneUser, [400, 404]),
  })
  api.put(
    '/userve/v2.6/miniapp/user_profile/:id',
    updateDoc,
    requireAuth,
    handler(async (req, res) => {
      const id = userIdParam(req)
      const operations = parseProfileUpdate(req.body, schema)
      res.json(toAdminUser(await updateProfile(deps, id, operations), schema))
    }),
  )

  const bulkDoc = docs.route({
    summary: 'Update the profiles of the matching users, one page per call; follow `next` to walk them all',
    body: 'ProfileUpdate',
    queryParameters: BULK_QUERY_PARAMETERS,
    responses: docs.responses({ 200: { description: 'One outcome per selected user.', schema: 'BulkUpdateResult' } }, [400]),
  })
  api.put(
    '/userve/v2.6/miniapp/user_profile',
    bulkDoc,
    requireAuth,
    handler(async (req, res) => {
      const params = req.query as Record<string, unknown>
      for (const name of ['order_by', 'keys']) {
        if (params[name] !== undefined) throw fieldError('invalid_query', name, 'is not supported by the bulk update, which walks by id')
      }
      const afterId = parseAfterId(params[AFTER_ID])
      const { query } = parseListParams(params, everyField, { reserved: [AFTER_ID] })
      // Checked before anything is written: a bad body changes no user.
      const operations = parseProfileUpdate(req.body, schema)
      const result = await bulkUpdateProfiles(deps, { filter: query.filter, limit: query.limit, offset: query.offset, count: query.count, afterId }, operations)
      const next = pageLink(req, result.nextAfterId === null ? null : { [AFTER_ID]: String(result.nextAfterId), offset: null })
      res.json(toBulkAnswer(result, { offset: query.offset, limit: query.limit, next }))
    }),
  )
}

function parseAfterId(value: unknown): number | null {
  if (value === undefined || value === '') return null
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw fieldError('invalid_query', AFTER_ID, 'must be a user id (a non-negative integer)')
  return Number(value)
}
