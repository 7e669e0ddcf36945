/**
 * The OpenAPI 3.1 document of one router: every route its families mounted (from the catalog),
 * request bodies and parameters from the Joi schemas the routes validate with, answers and errors
 * from the families' wire schemas, and the security schemes.
 */
import type { CatalogEntry, RouteAuth, RouteCatalog } from './catalog.js'
import { joiToJsonSchema, joiToParameters } from './joi-schema.js'

/** What an app may say about its own deployment in the document. */
export interface OpenApiOptions {
  /** `info.title` (default `express-user-router`). */
  title?: string
  /** `info.version` of the app's API (default `1.0.0`). */
  version?: string
  /** Where the router is mounted, as clients reach it (`https://api.example.com/accounts`). Default: relative paths. */
  serverUrl?: string
}

type JsonObject = Record<string, unknown>

const securitySchemes = (adminCookieName: string): JsonObject => ({
  clientId: { type: 'apiKey', in: 'header', name: 'X-Hydrogen-Client-ID', description: 'An accepted client id (the `clients` option).' },
  hydrogenToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Hydrogen-r1 <token>` (what the MinApp SDK sends) or `Bearer <token>`.' },
  bearer: { type: 'http', scheme: 'bearer', description: 'A token of `/oauth/token` or of the client API.' },
  oauth2: { type: 'oauth2', flows: { password: { tokenUrl: 'oauth/token', refreshUrl: 'oauth/token', scopes: {} } } },
  oauthClient: { type: 'http', scheme: 'basic', description: 'The OAuth client id and secret (or `client_id` and `client_secret` in the body).' },
  adminCookie: { type: 'apiKey', in: 'cookie', name: adminCookieName, description: 'The admin session cookie set by `POST /userve/v1/login/`.' },
})

function security(auth: RouteAuth, clientId: boolean): JsonObject[] {
  const withClient = (scheme?: string): JsonObject => ({ ...(clientId ? { clientId: [] } : {}), ...(scheme ? { [scheme]: [] } : {}) })
  switch (auth) {
    case 'token':
      return [withClient('hydrogenToken')]
    case 'optionalToken':
      return [withClient(), withClient('hydrogenToken')]
    case 'bearer':
      return [{ bearer: [] }, { oauth2: [] }]
    case 'adminCookie':
      return [{ adminCookie: [] }]
    case 'oauthClient':
      return [{ oauthClient: [] }, {}]
    case 'none':
      return [withClient()]
  }
}

const schemaRef = (schema: string | JsonObject): JsonObject => (typeof schema === 'string' ? { $ref: `#/components/schemas/${schema}` } : schema)

function operation(entry: CatalogEntry, operationIds: Set<string>): JsonObject {
  const parameters: JsonObject[] = [...(entry.docPath.match(/\{[^}]+\}/g) ?? [])].map((name) => ({
    name: name.slice(1, -1),
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }))
  if (entry.query) parameters.push(...joiToParameters(entry.query))
  if (entry.queryParameters) parameters.push(...entry.queryParameters)

  const responses: JsonObject = {}
  for (const [status, response] of Object.entries(entry.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema
        ? {
            content: {
              [response.mediaType ?? 'application/json']: { schema: schemaRef(response.schema) },
              ...Object.fromEntries(Object.entries(response.alsoAs ?? {}).map(([type, schema]) => [type, { schema: schemaRef(schema) }])),
            },
          }
        : {}),
    }
  }
  let operationId = `${entry.method}${entry.docPath.replace(/[^A-Za-z0-9]+/g, '_')}`.replace(/_+$/, '')
  while (operationIds.has(operationId)) operationId += '_'
  operationIds.add(operationId)

  return {
    operationId,
    summary: entry.summary,
    tags: [entry.tag],
    security: security(entry.auth, entry.clientId ?? false),
    ...(parameters.length ? { parameters } : {}),
    ...(entry.body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              (entry.bodyTypes ?? ['application/json']).map((type) => [type, { schema: typeof entry.body === 'string' ? schemaRef(entry.body) : joiToJsonSchema(entry.body!) }]),
            ),
          },
        }
      : {}),
    responses,
  }
}

const TAGS = [
  { name: 'client', description: 'The MinApp client API (`/hserve`), as the official SDK calls it.' },
  { name: 'admin', description: 'The operator API (`/userve`), with a cookie session.' },
  { name: 'phone', description: 'The phone API (`/api/v1/users`).' },
  { name: 'oauth', description: 'OAuth 2.0 token endpoints for the phone API.' },
  { name: 'docs', description: 'This document.' },
]

export function buildOpenApiDocument(catalog: RouteCatalog, options: OpenApiOptions = {}): JsonObject {
  const paths: Record<string, JsonObject> = {}
  const operationIds = new Set<string>()
  for (const entry of catalog.entries) {
    paths[entry.docPath] ??= {}
    paths[entry.docPath]![entry.method] = operation(entry, operationIds)
  }
  const used = new Set(catalog.entries.map((entry) => entry.tag))
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'express-user-router',
      version: options.version ?? '1.0.0',
      description: 'User accounts: the MinApp client API, the operator API, and the phone API with OAuth 2.0.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: TAGS.filter((tag) => used.has(tag.name)),
    paths,
    components: { schemas: catalog.schemas, securitySchemes: securitySchemes(catalog.adminCookieName) },
  }
}
