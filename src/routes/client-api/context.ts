/** What every client API route module receives. */
import type { RequestHandler } from 'express'
import type { DocumentedRouter } from '../../openapi/catalog.js'
import type { ServiceDeps } from '../../services/deps.js'

export interface ClientApiContext {
  readonly deps: ServiceDeps
  /** 401 unless the request carries a live token; then `sessionOf(res)` is its session. */
  readonly requireSession: RequestHandler
  /** Mounts a route with its OpenAPI description. */
  readonly api: DocumentedRouter
}
