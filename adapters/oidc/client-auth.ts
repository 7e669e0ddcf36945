/** How the client proves itself at the token endpoint with its secret. */
import { type ClientAuth, ClientSecretBasic, ClientSecretPost } from 'openid-client'

/**
 * HTTP Basic (OpenID Connect's default), or the form body when the provider lists only
 * `client_secret_post`: chosen per request, from the discovered metadata.
 */
export function clientSecretAuth(clientSecret: string): ClientAuth {
  const basic = ClientSecretBasic(clientSecret)
  const post = ClientSecretPost(clientSecret)
  return (server, client, body, headers) => {
    const methods = server.token_endpoint_auth_methods_supported
    const postOnly = methods?.includes('client_secret_post') && !methods.includes('client_secret_basic')
    return (postOnly ? post : basic)(server, client, body, headers)
  }
}
