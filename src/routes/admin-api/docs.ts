/** How the admin API's routes are described (OpenAPI): tag `admin`, the admin cookie required unless said otherwise. */
import { familyDocs } from '../../openapi/family-docs.js'
import { LIST_QUERY_PARAMETERS } from '../minapp/list-parameters.js'
import { AFTER_ID } from './wire.js'

const ERRORS: Record<number, string> = {
  400: 'Invalid input, a taken identifier, or a rule of the route (see `code` and `details`).',
  401: 'No admin session, or one that has ended.',
  403: '`not_admin`: `admin.authorize` refuses the user; `account_suspended`: the user is suspended; `cross_site_request`: a state-changing request from another origin.',
  404: 'No such user.',
  413: 'The body is over 16 KiB.',
  429: 'Too many failed sign-ins; `Retry-After` says when to retry.',
  503: 'Busy, or a dependency is unavailable; `Retry-After`.',
}

/**
 * 400, 401, 403, 413 and 503 always: every route reads its body, so one that is not valid JSON is
 * refused even where none is expected.
 */
export const docs = familyDocs({ tag: 'admin', errorSchema: 'MinAppError', errorTable: ERRORS, alwaysErrors: [400, 401, 403, 413, 503], defaults: { auth: 'adminCookie' } })

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
