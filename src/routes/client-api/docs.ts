/** Shared pieces of the client API's route descriptions (OpenAPI). */
import { withErrors, type ResponseDoc, type RouteDoc } from '../../openapi/catalog.js'

const ERRORS: Record<number, string> = {
  400: 'Invalid input, a taken identifier, or a rule of the route (see `code` and `details`).',
  401: 'Missing or unknown X-Hydrogen-Client-ID, or no valid token.',
  402: 'The SMS quota is used up.',
  404: 'Not found.',
  413: 'The body is over 16 KiB.',
  429: 'Too many attempts; `Retry-After` says when to retry.',
  503: 'Busy, or a dependency is unavailable; `Retry-After`.',
}

/**
 * The success answers plus the error statuses a route may give (400, 401, 413 and 503 always:
 * every route reads its body, so one that is not valid JSON is refused even where none is expected).
 */
export function clientResponses(success: Record<number, ResponseDoc>, errors: number[] = []): Record<number, ResponseDoc> {
  return withErrors(success, [...errors, 400, 401, 413, 503], ERRORS, 'MinAppError')
}

/** A client API route description: tag `client`, the client id required. */
export function clientRoute(doc: Omit<RouteDoc, 'tag' | 'clientId'> & { clientId?: boolean }): RouteDoc {
  return { tag: 'client', clientId: true, ...doc }
}

/**
 * The query parameters of the list routes. No Joi schema describes them: `src/query` parses the
 * MinApp query syntax, and these words are its documentation.
 */
export const LIST_QUERY_PARAMETERS: { name: string; [key: string]: unknown }[] = [
  {
    name: 'where',
    in: 'query',
    description: 'A JSON query as built by the SDK\'s `BaaS.Query`: `{"$and": [{"nickname": {"$contains": "Tom"}}]}`; operators `$eq $ne $lt $lte $gt $gte $in $nin $contains $icontains $regex $all $isnull $exists $has_key`, `$and`/`$or`.',
    schema: { type: 'string' },
  },
  { name: 'order_by', in: 'query', description: 'Comma-separated fields, `-` for descending: `-created_at,nickname`.', schema: { type: 'string' } },
  { name: 'limit', in: 'query', description: 'Page size; larger values are clamped to 1000.', schema: { type: 'integer', minimum: 1, default: 20 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
  { name: 'return_total_count', in: 'query', description: '1 adds `meta.total_count`.', schema: { type: 'integer', enum: [0, 1] } },
  { name: 'keys', in: 'query', description: 'Fields to return (`a,b`) or to leave out (`-a,-b`).', schema: { type: 'string' } },
  {
    name: 'filters',
    in: 'query',
    style: 'form',
    explode: true,
    description: 'Field filters as plain parameters: `gender=1`, `nickname__contains=Tom`, `created_at__gt=1483228800`, `id__in=1,2,3`.',
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  },
]
