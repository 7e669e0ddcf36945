/** The `meta` of a MinApp list answer, shared by the client and admin list routes. */
import type { Request } from 'express'
import type { UserPage } from '../ports.js'
import type { UserQuery } from '../query/filter.js'

/** The same path with the given parameters changed (null removes one), or null when `change` is null. */
export function pageLink(req: Request, change: Record<string, string | null> | null): string | null {
  if (change === null) return null
  const [path, search = ''] = req.originalUrl.split('?', 2) as [string, string?]
  const params = new URLSearchParams(search)
  for (const [name, value] of Object.entries(change)) {
    if (value === null) params.delete(name)
    else params.set(name, value)
  }
  const query = params.toString()
  return query ? `${path}?${query}` : path
}

/** `{limit, offset, next, previous, total_count?}`: `next`/`previous` are the path with a shifted offset, or null. */
export function listMeta(req: Request, query: UserQuery, page: UserPage): Record<string, unknown> {
  const at = (offset: number) => ({ offset: String(offset) })
  return {
    limit: query.limit,
    offset: query.offset,
    next: pageLink(req, page.hasMore ? at(query.offset + query.limit) : null),
    previous: pageLink(req, query.offset > 0 ? at(Math.max(0, query.offset - query.limit)) : null),
    ...(page.totalCount === undefined ? {} : { total_count: page.totalCount }),
  }
}
