/** The admin API's route descriptions (OpenAPI): its answers, errors and the bulk update's parameters. */
import { withErrors, type ResponseDoc, type RouteDoc } from '../../openapi/catalog.js'
import { LIST_QUERY_PARAMETERS } from '../client-api/docs.js'
import { AFTER_ID } from './wire.js'

const ERRORS: Record<number, string> = {
  400: 'Invalid input, a taken identifier, or a rule of the route (see `code` and `details`).',
  401: 'No admin session, or one that has ended.',
  403: '`not_admin`: `admin.authorize` refuses the user; `cross_site_request`: a state-changing request from another origin.',
  404: 'No such user.',
  413: 'The body is over 16 KiB.',
  429: 'Too many failed sign-ins; `Retry-After` says when to retry.',
  503: 'Busy, or a dependency is unavailable; `Retry-After`.',
}

/**
 * The success answers plus the error statuses a route may give (400, 401, 403, 413 and 503 always:
 * every route reads its body, so one that is not valid JSON is refused even where none is expected).
 */
export function adminResponses(success: Record<number, ResponseDoc>, errors: number[] = []): Record<number, ResponseDoc> {
  return withErrors(success, [...errors, 400, 401, 403, 413, 503], ERRORS, 'MinAppError')
}

/** An admin API route description: tag `admin`, the admin cookie required unless said otherwise. */
export function adminRoute(doc: Omit<RouteDoc, 'tag' | 'auth'> & { auth?: RouteDoc['auth'] }): RouteDoc {
  return { tag: 'admin', auth: 'adminCookie', ...doc }
}

/** The list parameters a bulk update takes (it walks by id: no `order_by`, no `keys`), and `after_id`. */
export const BULK_QUERY_PARAMETERS = [
  ...LIST_QUERY_PARAMETERS.filter((p) => p.name !== 'order_by' && p.name !== 'keys'),
  {
    name: AFTER_ID,
    in: 'query',
    description: 'Only users with a greater id: how `next` continues a walk, so that an update that changes a filtered field neither skips nor repeats anyone.',
    schema: { type: 'integer', minimum: 0 },
  },
]

const nullableString = { type: ['string', 'null'] }

export const ADMIN_API_SCHEMAS: Record<string, Record<string, unknown>> = {
  AdminProfile: {
    type: 'object',
    properties: { avatar_link: { type: 'string' }, email: nullableString, nickname: { type: 'string' }, user_id: { type: 'integer' } },
    required: ['avatar_link', 'email', 'nickname', 'user_id'],
  },
  BulkUpdateResult: {
    type: 'object',
    properties: {
      operation_result: {
        type: 'array',
        items: {
          oneOf: [
            { type: 'object', properties: { success: { type: 'object', properties: { id: { type: 'integer' }, updated_at: { type: 'integer' } }, required: ['id', 'updated_at'] } }, required: ['success'] },
            {
              type: 'object',
              properties: { error: { type: 'object', properties: { id: { type: 'integer' }, code: { type: 'string' }, error_msg: { type: 'string' } }, required: ['id', 'code', 'error_msg'] } },
              required: ['error'],
            },
          ],
        },
      },
      succeed: { type: 'integer' },
      total_count: { type: 'integer', description: 'With `return_total_count=1`.' },
      offset: { type: 'integer' },
      limit: { type: 'integer' },
      next: { ...nullableString, description: 'The next call of the walk (with `after_id`), or null.' },
    },
    required: ['operation_result', 'succeed', 'offset', 'limit', 'next'],
  },
}
