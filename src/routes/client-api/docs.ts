/** How the client API's routes are described (OpenAPI): tag `client`, the client id required. */
import { familyDocs } from '../../openapi/family-docs.js'

const ERRORS: Record<number, string> = {
  400: 'Invalid input, a taken identifier, or a rule of the route (see `code` and `details`).',
  401: 'Missing or unknown X-Hydrogen-Client-ID, or no valid token.',
  402: 'The SMS quota is used up.',
  403: '`account_suspended`: the proof is right, but an operator suspended the account.',
  404: 'Not found.',
  413: 'The body is over 16 KiB.',
  429: 'Too many attempts; `Retry-After` says when to retry.',
  503: 'Busy, or a dependency is unavailable; `Retry-After`.',
}

/**
 * 400, 401, 413 and 503 always: every route reads its body, so one that is not valid JSON is
 * refused even where none is expected.
 */
export const docs = familyDocs({ tag: 'client', errorSchema: 'MinAppError', errorTable: ERRORS, alwaysErrors: [400, 401, 413, 503], defaults: { clientId: true } })
