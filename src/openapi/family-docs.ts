/**
 * The one way an API family describes its routes: its tag, its error table and error schema, the
 * error statuses every one of its routes may give, and its defaults (auth, client id, body types).
 */
import type { ResponseDoc, RouteDoc } from './catalog.js'

export interface FamilyDocsOptions<Defaulted extends keyof RouteDoc> {
  /** The document's tag of the family's routes. */
  tag: string
  /** The component schema of the family's error body. */
  errorSchema: string
  /** What each error status means in this family. */
  errorTable: Record<number, string>
  /** Error statuses every route may give (e.g. 413 and 503: every route reads a body and a store). */
  alwaysErrors: number[]
  /** Route fields that routes may leave out. */
  defaults: Pick<RouteDoc, Defaulted>
}

export interface FamilyDocs<Defaulted extends keyof RouteDoc> {
  /** A route description: the family's tag and defaults, then `doc`. */
  route(doc: Omit<RouteDoc, 'tag' | Defaulted> & Partial<Pick<RouteDoc, Defaulted>>): RouteDoc
  /** `success` plus one answer per error status: those given, and the family's `alwaysErrors`. */
  responses(success: Record<number, ResponseDoc>, errors?: number[]): Record<number, ResponseDoc>
}

function withErrors(success: Record<number, ResponseDoc>, statuses: number[], table: Record<number, string>, schema: string): Record<number, ResponseDoc> {
  const responses: Record<number, ResponseDoc> = { ...success }
  for (const status of new Set(statuses)) responses[status] = { description: table[status]!, schema }
  return responses
}

export function familyDocs<Defaulted extends keyof RouteDoc = never>(options: FamilyDocsOptions<Defaulted>): FamilyDocs<Defaulted> {
  const { tag, errorSchema, errorTable, alwaysErrors, defaults } = options
  return {
    route: (doc) => ({ tag, ...defaults, ...doc }) as RouteDoc,
    responses: (success, errors = []) => withErrors(success, [...errors, ...alwaysErrors], errorTable, errorSchema),
  }
}
