/**
 * The routes of one router, as the OpenAPI document describes them. Route modules register through
 * `documented(router, catalog)`, which mounts the route on Express and records its description
 * (with the very Joi schemas the handler validates with), so the document cannot miss a route.
 */
import type { ErrorRequestHandler, RequestHandler, Router } from 'express'
import type Joi from 'joi'
import { type CorsConfig, preflight } from '../http/cors.js'

/**
 * How a route authenticates its caller: a client API token (`Hydrogen-r1` or `Bearer`), optional
 * or required; a bearer token (phone API); the admin cookie; OAuth client credentials; nothing.
 */
export type RouteAuth = 'token' | 'optionalToken' | 'bearer' | 'adminCookie' | 'oauthClient' | 'none'

/** A response: a component schema by name, or none (an empty body). */
export interface ResponseDoc {
  description: string
  /** A schema name of `components.schemas`, or inline JSON Schema. */
  schema?: string | Record<string, unknown>
  /** The media type when it is not JSON (HTML pages). */
  mediaType?: string
  /** The same answer in further media types, by type: the page a browser gets where a JSON caller gets `schema`. */
  alsoAs?: Record<string, string | Record<string, unknown>>
}

export interface RouteDoc {
  summary: string
  /** The API family (`client`, `phone`, `oauth`, `admin`): the document's tag. */
  tag: string
  auth: RouteAuth
  /** Whether the family's client id header is required (client API). */
  clientId?: boolean
  /** The Joi schema the handler validates the body with, or a component schema's name. */
  body?: Joi.Schema | string
  /** Media types of the body (default JSON). */
  bodyTypes?: string[]
  query?: Joi.Schema
  /** Query parameters that no Joi schema describes (the list routes' MinApp query syntax). */
  queryParameters?: Record<string, unknown>[]
  responses: Record<number, ResponseDoc>
}

export interface CatalogEntry extends RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete'
  /** As mounted on Express (`/hserve/v2.2/user/info/:id`). */
  path: string
  /** As the document shows it (`/hserve/v2.2/user/info/{id}/`). */
  docPath: string
}

/** Every documented route of a router, and the response schemas its families define. */
export class RouteCatalog {
  readonly entries: CatalogEntry[] = []
  /** Component schemas by name (JSON Schema). */
  readonly schemas: Record<string, Record<string, unknown>> = {}
  /** The admin session cookie's name, for its security scheme (set by the admin family). */
  adminCookieName = 'eur.admin'
  /** Run first on every route of every family (the trust-proxy warning). */
  readonly everyRoute: RequestHandler[] = []

  addSchemas(schemas: Record<string, Record<string, unknown>>): void {
    Object.assign(this.schemas, schemas)
  }
}

/** The document's form of an Express path: `{id}` for `:id`, and the family's trailing slash. */
export function docPathOf(path: string, trailingSlash: boolean): string {
  const templated = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
  return trailingSlash ? `${templated.replace(/\/$/, '')}/` : templated
}

type Method = CatalogEntry['method']
type Mount = (path: string, doc: RouteDoc, ...handlers: RequestHandler[]) => void
/** A router whose routes are mounted with their descriptions. */
export type DocumentedRouter = Record<Method, Mount>

/**
 * What a family runs around each of its routes. It runs on those routes only, never with
 * `router.use` on a path prefix: an app's own routes under the same paths (`/oauth/callback`,
 * `/hserve/health`) keep their own body parsing, CORS and error handling.
 */
export interface RouteStack {
  /** `documented` writes paths with a trailing slash (MinApp's `/hserve/.../`); Express matches either way. */
  trailingSlash: boolean
  /** The family's middleware before each route's handlers (CORS, client id, body parsers), by route. */
  before?: (doc: RouteDoc) => RequestHandler[]
  /** The family's error middleware, after each route's handlers: it sees the errors of its routes only. */
  errors?: ErrorRequestHandler
  /** The family's CORS: preflights are answered for each path, for the methods mounted on it. */
  cors?: CorsConfig
}

/** `router` with methods that mount a route, with the family's `stack` around it, and record its description. */
export function documented(router: Router, catalog: RouteCatalog, stack: RouteStack): DocumentedRouter {
  const methodsByPath = new Map<string, Set<string>>()
  const mount =
    (method: Method): Mount =>
    (path, doc, ...handlers) => {
      catalog.entries.push({ ...doc, method, path, docPath: docPathOf(path, stack.trailingSlash) })
      let methods = methodsByPath.get(path)
      if (!methods) {
        methods = new Set()
        methodsByPath.set(path, methods)
        // Mounted on the path without its trailing slash, so both spellings reach it, as they reach the route.
        if (stack.cors) router.use(path.replace(/(.)\/$/, '$1'), preflight(stack.cors, methods))
      }
      methods.add(method.toUpperCase())
      if (method === 'get') methods.add('HEAD')
      const around = [...catalog.everyRoute, ...(stack.before?.(doc) ?? [])]
      router[method](path, ...around, ...handlers, ...(stack.errors ? [stack.errors] : []))
    }
  return { get: mount('get'), post: mount('post'), put: mount('put'), delete: mount('delete') }
}
