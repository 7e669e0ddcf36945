/**
 * OAuth client authentication (RFC 6749 section 2.3.1) against the clients of the `oauth` option.
 * Secrets are compared as SHA-256 digests with `timingSafeEqual`, and an unknown id costs the same
 * comparison, so timing tells neither a secret nor which ids exist. Failures count in the login
 * throttle (per client id and IP), which bounds guessing a secret.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { UserRouterError } from '../errors.js'
import type { RequestMeta, OAuthServiceDeps } from './deps.js'

/** What a request presented: the client id and secret, from the body or HTTP Basic. */
export interface ClientCredentials {
  id: string
  secret: string
}

const digest = (value: string) => createHash('sha256').update(value).digest()
const NO_CLIENT = digest('no such client')

/** The authenticated client's id; throws `invalid_client` (401) or `login_throttled` (429). */
export async function authenticateClient(deps: OAuthServiceDeps, presented: ClientCredentials, meta: RequestMeta): Promise<string> {
  const client = deps.oauth.clients.find((c) => c.id === presented.id)
  const expected = client ? digest(client.secret) : NO_CLIENT
  const secretMatches = timingSafeEqual(expected, digest(presented.secret))
  // The comparison is cheap, so it is judged after the fact: a wrong secret's failure is counted
  // atomically before it is answered, and a right one passes only under the limits.
  if (!(await deps.throttle.judge(`oauth-client:${presented.id}`, meta.ip, client !== undefined && secretMatches))) {
    throw new UserRouterError('invalid_client', { message: 'Client authentication failed.' })
  }
  return client!.id
}
