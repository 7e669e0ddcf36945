/**
 * Sign-in with an OpenID Connect provider (Google, Microsoft, Okta, Keycloak, Auth0...), through
 * openid-client: discovery from the issuer, the authorization code flow with PKCE (S256), state and
 * nonce, the ID token checked (signature, issuer, audience, expiry, nonce), then the userinfo
 * endpoint when the provider has one.
 */
import {
  allowInsecureRequests,
  authorizationCodeGrant,
  buildAuthorizationUrl,
  Configuration,
  calculatePKCECodeChallenge,
  customFetch,
  discovery,
  enableNonRepudiationChecks,
  fetchUserInfo,
  type ServerMetadata,
} from 'openid-client'
import type { AuthorizationRequest, ProviderProfile, RedirectIdentityProvider } from '../../src/ports.js'
import { clientSecretAuth } from './client-auth.js'
import { endpointsMetadata, type OidcEndpoints } from './endpoints.js'
import { providerTimeout, requiredText } from '../provider-http/provider-url.js'
import { providerUrlOption } from './url-option.js'
import { providerError } from './provider-errors.js'
import { providerFetch } from './provider-fetch.js'
import { personClaims, toProfile } from './profile.js'

export interface OidcProviderOptions {
  /** The issuer identifier: `https://accounts.example.com` (http:// only on a loopback host). */
  issuer: string
  clientId: string
  clientSecret: string
  /** Scopes to ask for; default `['openid', 'profile', 'email']`. */
  scopes?: string[]
  /** How error messages name the provider; default the issuer's host. */
  name?: string
  /** Milliseconds each request to the provider may take. Default 5000. */
  timeoutMs?: number
  /** The endpoints, for a provider without a discovery document (`<issuer>/.well-known/openid-configuration`). */
  endpoints?: OidcEndpoints
}

const DEFAULT_SCOPES = ['openid', 'profile', 'email']

export class OidcProvider implements RedirectIdentityProvider {
  readonly name: string
  readonly #issuer: URL
  readonly #clientId: string
  readonly #clientSecret: string
  readonly #scopes: string[]
  readonly #timeoutSeconds: number
  /** The `endpoints` option as server metadata; undefined: discovered. */
  readonly #metadata: ServerMetadata | undefined
  /** The discovered configuration, once discovery has succeeded (a failed one is retried). */
  #configuration: Promise<Configuration> | undefined

  constructor(options: OidcProviderOptions) {
    this.#issuer = providerUrlOption('issuer', options?.issuer)
    this.#clientId = requiredText(options.clientId, 'OidcProvider: options.clientId')
    this.#clientSecret = requiredText(options.clientSecret, 'OidcProvider: options.clientSecret')
    const scopes: unknown = options.scopes ?? DEFAULT_SCOPES
    if (!Array.isArray(scopes) || !scopes.includes('openid') || !scopes.every((scope) => typeof scope === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
      throw new TypeError('OidcProvider: options.scopes must be an array of scope names with "openid", e.g. ["openid", "profile", "email"]')
    }
    this.#scopes = [...scopes]
    // openid-client counts in seconds.
    this.#timeoutSeconds = providerTimeout(options.timeoutMs, 'OidcProvider: options.timeoutMs', 5000) / 1000
    this.name = options.name === undefined ? this.#issuer.host : requiredText(options.name, 'OidcProvider: options.name')
    this.#metadata = options.endpoints === undefined ? undefined : endpointsMetadata(options.issuer, options.endpoints)
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const configuration = await this.#discover()
    const parameters: Record<string, string> = {
      redirect_uri: request.redirectUri,
      scope: this.#scopes.join(' '),
      state: request.state,
      code_challenge: await calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
      nonce: request.nonce,
    }
    return buildAuthorizationUrl(configuration, parameters).href
  }

  async complete(callback: URL, request: AuthorizationRequest): Promise<ProviderProfile> {
    const configuration = await this.#discover()
    let tokens: Awaited<ReturnType<typeof authorizationCodeGrant>>
    try {
      tokens = await authorizationCodeGrant(configuration, callbackOn(request.redirectUri, callback), {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
      })
    } catch (error) {
      throw providerError(this.name, 'code exchange', error)
    }
    // Present and checked: an expected nonce makes openid-client require the ID token.
    const idToken = tokens.claims()!
    let userInfo: object | undefined
    if (configuration.serverMetadata().userinfo_endpoint !== undefined) {
      try {
        userInfo = await fetchUserInfo(configuration, tokens.access_token, idToken.sub)
      } catch (error) {
        throw providerError(this.name, 'userinfo request', error)
      }
    }
    return toProfile({ ...personClaims(idToken, userInfo), sub: idToken.sub })
  }

  /** The configuration: discovered once per instance (a failure is not kept: the next sign-in tries again), or from `endpoints`. */
  #discover(): Promise<Configuration> {
    this.#configuration ??= this.#metadata === undefined ? this.#discovery() : Promise.resolve(this.#fromEndpoints(this.#metadata))
    return this.#configuration
  }

  #discovery(): Promise<Configuration> {
    const options = { [customFetch]: providerFetch, timeout: this.#timeoutSeconds, execute: this.#settings() }
    return discovery(this.#issuer, this.#clientId, this.#clientSecret, clientSecretAuth(this.#clientSecret), options).catch((error: unknown) => {
      this.#configuration = undefined
      throw providerError(this.name, 'discovery', error)
    })
  }

  #fromEndpoints(metadata: ServerMetadata): Configuration {
    const configuration = new Configuration(metadata, this.#clientId, this.#clientSecret, clientSecretAuth(this.#clientSecret))
    configuration[customFetch] = providerFetch
    configuration.timeout = this.#timeoutSeconds
    for (const setting of this.#settings()) setting(configuration)
    return configuration
  }

  #settings(): ((configuration: Configuration) => void)[] {
    return [
      // Every request goes through providerFetch, which allows http:// on loopback only.
      ...(this.#issuer.protocol === 'http:' || this.#metadata !== undefined ? [allowInsecureRequests] : []),
      // openid-client trusts an ID token from the token endpoint on TLS alone; check its signature too.
      enableNonRepudiationChecks,
    ]
  }
}

/**
 * The callback's parameters on the registered redirect URI: openid-client sends the URL it is given,
 * less its query, as `redirect_uri` to the token endpoint, which must match the authorization request's.
 */
function callbackOn(redirectUri: string, callback: URL): URL {
  const url = new URL(redirectUri)
  url.search = callback.search
  url.hash = ''
  return url
}
