/**
 * How the phone API's routes are described (OpenAPI): those of `/api/v1/users` (tag `phone`, the
 * `{"result": 0}` failures) and the OAuth endpoints of `/oauth` (tag `oauth`, RFC 6749 errors).
 */
import { familyDocs } from '../../openapi/family-docs.js'

const FAILURES: Record<number, string> = {
  400: 'Invalid input, a wrong or expired code, a taken identifier, or a limit (see `code`; `Retry-After` on limits).',
  401: 'No valid bearer token.',
  402: 'The SMS quota is used up.',
  403: "A browser request from another site's page (`cross_site_request`); an operator suspended the account (`account_suspended`).",
  404: 'No account has this phone number.',
  413: 'The body is over 16 KiB.',
  429: 'Too many wrong codes or current passwords, or registrations from this IP; `Retry-After`.',
  503: 'Busy, or a dependency is unavailable.',
}

/** `/api/v1/users`: 413 and 503 always. */
export const docs = familyDocs({ tag: 'phone', errorSchema: 'PhoneApiFailure', errorTable: FAILURES, alwaysErrors: [413, 503], defaults: {} })

const OAUTH_ERRORS: Record<number, string> = {
  400: 'RFC 6749 section 5.2 error.',
  401: '`invalid_client`: client authentication failed.',
  403: '`invalid_grant`: the credentials are right, but an operator suspended the account.',
  413: '`invalid_request`: the body is over the size limit.',
  429: '`temporarily_unavailable`: too many failed sign-ins, or refreshes of this token family; `Retry-After`.',
  503: '`temporarily_unavailable`: busy, or a dependency is unavailable.',
}

/** `/oauth`: every error status on every endpoint; the client authenticates, form or JSON bodies. */
export const oauthDocs = familyDocs({
  tag: 'oauth',
  errorSchema: 'OAuthError',
  errorTable: OAUTH_ERRORS,
  alwaysErrors: [400, 401, 413, 429, 503],
  defaults: { auth: 'oauthClient', bodyTypes: ['application/x-www-form-urlencoded', 'application/json'] },
})
