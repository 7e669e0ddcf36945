/** A provider's endpoints given as an option, for a provider that publishes no discovery document. */
import type { ServerMetadata } from 'openid-client'
import { providerUrlOption } from './url-option.js'

export interface OidcEndpoints {
  authorization: string
  token: string
  /** The JWK set the ID tokens are signed with. */
  jwks: string
  /** Asked for the person's claims when given. */
  userinfo?: string
}

/**
 * The server metadata discovery would have given; each URL https:// (http:// on loopback) or a
 * TypeError. The issuer as given, unnormalised: ID tokens must name it exactly.
 */
export function endpointsMetadata(issuer: string, endpoints: OidcEndpoints): ServerMetadata {
  if (typeof endpoints !== 'object' || endpoints === null) throw new TypeError('OidcProvider: options.endpoints must be an object: { authorization, token, jwks, userinfo? }')
  const url = (name: keyof OidcEndpoints) => providerUrlOption(`endpoints.${name}`, endpoints[name]).href
  return {
    issuer,
    authorization_endpoint: url('authorization'),
    token_endpoint: url('token'),
    jwks_uri: url('jwks'),
    ...(endpoints.userinfo === undefined ? {} : { userinfo_endpoint: url('userinfo') }),
  }
}
