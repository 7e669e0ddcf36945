/**
 * Where an OAuth client's credentials are in a request (RFC 6749 section 2.3.1): HTTP Basic with the
 * form-urlencoded id and secret, or `client_id` and `client_secret` in the body. One method per
 * request: a secret in both places is `invalid_request`.
 */
import type { Request } from 'express'
import { UserRouterError, fieldError } from '../../errors.js'
import type { ClientCredentials } from '../../services/oauth-clients.js'

const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i

function formDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return null
  }
}

/** The HTTP Basic credentials of a request, or null when it has none. Malformed ones are `invalid_client`. */
function basicCredentials(req: Request): ClientCredentials | null {
  const match = BASIC.exec(req.get('authorization') ?? '')
  if (!match) return null
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  const id = colon < 0 ? null : formDecode(decoded.slice(0, colon))
  const secret = colon < 0 ? null : formDecode(decoded.slice(colon + 1))
  if (!id || secret === null) throw new UserRouterError('invalid_client', { message: 'The Basic credentials are malformed.' })
  return { id, secret }
}

/** The client credentials a request presents; `invalid_client` when there are none. */
export function clientCredentialsOf(req: Request, body: { client_id?: string; client_secret?: string }): ClientCredentials {
  const basic = basicCredentials(req)
  if (basic) {
    if (body.client_secret !== undefined) throw fieldError('invalid_request', 'client_secret', 'must not be sent with HTTP Basic authentication')
    if (body.client_id !== undefined && body.client_id !== basic.id) throw fieldError('invalid_request', 'client_id', 'differs from the HTTP Basic client id')
    return basic
  }
  if (body.client_id !== undefined && body.client_secret !== undefined) return { id: body.client_id, secret: body.client_secret }
  throw new UserRouterError('invalid_client', { message: 'Client authentication is required (HTTP Basic, or client_id and client_secret).' })
}
