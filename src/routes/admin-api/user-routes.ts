/**
 * The admin API's user routes : list (five fields unsortable), detail,
 * single profile update and bulk update (section 7). Admins see and filter on every field.
 */
import type { Request } from 'express'
import { UserRouterError, fieldError } from '../../errors.js'
import { handler } from '../../http/handler.js'
import { listMeta, pageLink } from '../../http/list-meta.js'
import { parseListParams } from '../../query/parse-list-params.js'
import { parseProfileUpdate } from '../../query/parse-update.js'
import { bulkUpdateProfiles } from '../../services/admin-bulk-update.js'
import { getUser, listUsers, updateProfile } from '../../services/users.js'
import type { AdminApiContext } from './context.js'
import { LIST_QUERY_PARAMETERS } from '../client-api/docs.js'
import { adminResponses, adminRoute, BULK_QUERY_PARAMETERS } from './docs.js'
import { AFTER_ID, toAdminUser, toBulkAnswer } from './wire.js'

/** These cannot be sorted on in the admin list, as on MinApp. */
export const UNSORTABLE = ['gender', 'country', 'province', 'city', 'language'] as const

/** The `:id` of a route; a malformed one is an unknown user (404). */
export function userIdParam(req: Request): number {
  const id = String(req.params.id)
  if (!/^[1-9]\d{0,15}$/.test(id)) throw new UserRouterError('user_not_found')
  return Number(id)
}

export function mountUserRoutes({ deps, requireAdmin, api }: AdminApiContext): void {
  const { schema } = deps
  const context = { schema, visibility: 'all' } as const

  const oneUser = { 200: { description: 'The user, every field.', schema: 'User' } }
  const listDoc = adminRoute({
    summary: 'List users (every field; gender, country, province, city and language cannot be sorted)',
    queryParameters: LIST_QUERY_PARAMETERS,
    responses: adminResponses({ 200: { description: 'One page of users.', schema: 'UserList' } }, [400]),
  })
  api.get('/userve/v2.2/miniapp/user_profile', listDoc, requireAdmin, handler(async (req, res) => {
    const { query, select } = parseListParams(req.query as Record<string, unknown>, context, { unsortable: UNSORTABLE })
    const page = await listUsers(deps, query)
    res.json({ meta: listMeta(req, query, page), objects: page.users.map((user) => toAdminUser(user, schema, select)) })
  }))

  const detailDoc = adminRoute({ summary: 'One user, every field', queryParameters: LIST_QUERY_PARAMETERS.filter((p) => p.name === 'keys'), responses: adminResponses({ 200: { description: 'The user: every field, or those `keys` selects.', schema: 'SelectedUser' } }, [400, 404]) })
  api.get('/userve/v2.2/miniapp/user_profile/:id', detailDoc, requireAdmin, handler(async (req, res) => {
    const user = await getUser(deps, userIdParam(req))
    if (!user) throw new UserRouterError('user_not_found')
    const { select } = parseListParams({ keys: req.query.keys }, context)
    res.json(toAdminUser(user, schema, select))
  }))

  const updateDoc = adminRoute({ summary: "Update one user's profile (only the given fields; atomic operators)", body: 'ProfileUpdate', responses: adminResponses(oneUser, [400, 404]) })
  api.put('/userve/v2.6/miniapp/user_profile/:id', updateDoc, requireAdmin, handler(async (req, res) => {
    const id = userIdParam(req)
    const operations = parseProfileUpdate(req.body, schema)
    res.json(toAdminUser(await updateProfile(deps, id, operations), schema))
  }))

  const bulkDoc = adminRoute({
    summary: 'Update the profiles of the matching users, one page per call; follow `next` to walk them all',
    body: 'ProfileUpdate',
    queryParameters: BULK_QUERY_PARAMETERS,
    responses: adminResponses({ 200: { description: 'One outcome per selected user.', schema: 'BulkUpdateResult' } }, [400]),
  })
  api.put('/userve/v2.6/miniapp/user_profile', bulkDoc, requireAdmin, handler(async (req, res) => {
    const params = req.query as Record<string, unknown>
    for (const name of ['order_by', 'keys']) {
      if (params[name] !== undefined) throw fieldError('invalid_query', name, 'is not supported by the bulk update, which walks by id')
    }
    const afterId = parseAfterId(params[AFTER_ID])
    const { query } = parseListParams(params, context, { reserved: [AFTER_ID] })
    // Checked before anything is written: a bad body changes no user.
    const operations = parseProfileUpdate(req.body, schema)
    const result = await bulkUpdateProfiles(deps, { filter: query.filter, limit: query.limit, offset: query.offset, count: query.count, afterId }, operations)
    const next = pageLink(req, result.nextAfterId === null ? null : { [AFTER_ID]: String(result.nextAfterId), offset: null })
    res.json(toBulkAnswer(result, { offset: query.offset, limit: query.limit, next }))
  }))
}

function parseAfterId(value: unknown): number | null {
  if (value === undefined || value === '') return null
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw fieldError('invalid_query', AFTER_ID, 'must be a user id (a non-negative integer)')
  return Number(value)
}
