/**
 * The OpenAPI document of a router: served at the `openApi.path` option, and given to apps by
 * `openApiDocument(router)`. A router carries its own catalog under a symbol (not enumerable), so
 * the module keeps no registry of routers.
 */
import type { RequestHandler } from 'express'
import type { RouteCatalog } from './catalog.js'
import { buildOpenApiDocument, type OpenApiOptions } from './document.js'

const CATALOG = Symbol('express-user-router catalog')

export function registerCatalog(router: object, catalog: RouteCatalog): void {
  Object.defineProperty(router, CATALOG, { value: catalog })
}

/**
 * The OpenAPI 3.1 document of the routes a router (from `createUserRouter`) serves, with its
 * configured profile fields. Give `serverUrl` (where it is mounted) for absolute addresses.
 */
export function openApiDocument(router: object, options: OpenApiOptions = {}): Record<string, unknown> {
  const catalog = (router as { [CATALOG]?: RouteCatalog })[CATALOG]
  if (!catalog) throw new TypeError('openApiDocument: pass a router made by createUserRouter')
  return buildOpenApiDocument(catalog, options)
}

/** Serves the document; its server URL is `publicUrl`, else the router's mount path. */
export function serveOpenApiDocument(catalog: RouteCatalog, options: { title?: string; version?: string }, publicUrl: string | undefined): RequestHandler {
  let cached: { base: string; body: string } | undefined
  return (req, res) => {
    const base = publicUrl ?? (req.baseUrl || '/')
    // Built once per mount path: the catalog does not change after the router is made.
    if (cached?.base !== base) cached = { base, body: JSON.stringify(buildOpenApiDocument(catalog, { ...options, serverUrl: base })) }
    res.type('application/json').send(cached.body)
  }
}
