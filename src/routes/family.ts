/**
 * The one shape of every API family (the MinApp client API, the admin API, the phone API): what
 * `createXxxApi` receives, and what each of its route modules' `mountXxxRoutes` receives. A family's
 * own types are these shapes with its settings filled in.
 */
import type { RequestHandler } from 'express'
import type { DocumentedRouter, RouteCatalog } from '../openapi/catalog.js'
import type { ServiceDeps } from '../services/deps.js'

/** What the composition root hands a family's `createXxxApi`. */
/** `Deps`: what the family's services need (an optional family's services get its settings too). */
export interface FamilyInput<Settings, Deps extends ServiceDeps = ServiceDeps> {
  readonly deps: Deps
  /** Where the family records its routes and response schemas, for the OpenAPI document. */
  readonly catalog: RouteCatalog
  /** The family's own part of the options: routes never read the whole configuration. */
  readonly settings: Settings
}

/** What every route module of a family receives. */
export interface FamilyContext<Settings, Deps extends ServiceDeps = ServiceDeps> {
  readonly deps: Deps
  /** Mounts a route, with the family's middleware and error renderer around it, and its OpenAPI description. */
  readonly api: DocumentedRouter
  /** The family's guard: 401 unless the request is signed in the family's way. */
  readonly requireAuth: RequestHandler
  readonly settings: Settings
}
