/**
 * Weibo web sign-in (OAuth 2.0 as Weibo runs it: no PKCE, the user id comes with the token, the
 * profile from `2/users/show.json`). The router's single-use state binds the redirect to the callback.
 */
import type { JsonObject } from '../../src/model/user.js'
import type { AuthorizationRequest, ProviderProfile, RedirectIdentityProvider } from '../../src/ports.js'
import { providerError } from '../provider-http/provider-fetch.js'
import { providerBaseUrl, providerTimeout, requiredText } from '../provider-http/provider-url.js'
import { callWeibo } from './weibo-api.js'
import { weiboProfile } from './weibo-profile.js'

export interface WeiboProviderOptions {
  /** The application's App Key. */
  clientId: string
  /** Its App Secret. Sent only to `apiBase`, never logged or put in an error. */
  clientSecret: string
  /** Default `https://api.weibo.com`. */
  apiBase?: string
  /** Milliseconds each call to Weibo may take. Default 5000. */
  timeoutMs?: number
}

/** A Weibo uid: Weibo documents it as a string, and has sent it as a number. */
function uidOf(value: unknown): string | null {
  if (typeof value === 'string' && /^\d+$/.test(value)) return value
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value)
  return null
}

export class WeiboProvider implements RedirectIdentityProvider {
  private readonly clientId: string
  private readonly clientSecret: string
  private readonly apiBase: string
  private readonly timeoutMs: number

  constructor(options: WeiboProviderOptions) {
    const name = 'WeiboProvider: options'
    this.clientId = requiredText(options?.clientId, `${name}.clientId`)
    this.clientSecret = requiredText(options.clientSecret, `${name}.clientSecret`)
    this.apiBase = providerBaseUrl(options.apiBase ?? 'https://api.weibo.com', `${name}.apiBase`)
    this.timeoutMs = providerTimeout(options.timeoutMs, `${name}.timeoutMs`, 5000)
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const query = new URLSearchParams({ client_id: this.clientId, redirect_uri: request.redirectUri, response_type: 'code', state: request.state })
    return `${this.apiBase}/oauth2/authorize?${query}`
  }

  async complete(callback: URL, request: AuthorizationRequest): Promise<ProviderProfile> {
    const refused = callback.searchParams.get('error')
    // access_denied when the user refuses; the text is the browser's to choose, so only a plain code is quoted.
    if (refused !== null) throw providerError('provider_failed', `Weibo: the authorization answered ${/^[a-z_]{1,40}$/.test(refused) ? refused : 'an error'}`, [])
    const code = callback.searchParams.get('code')
    if (code === null || code === '') throw providerError('provider_failed', 'Weibo: the callback has no code', [])
    const secrets = [this.clientSecret, code]
    const form = new URLSearchParams({ client_id: this.clientId, client_secret: this.clientSecret, grant_type: 'authorization_code', code, redirect_uri: request.redirectUri })
    const token = await callWeibo({
      what: 'Weibo oauth2/access_token',
      url: `${this.apiBase}/oauth2/access_token`,
      init: { method: 'POST', body: form },
      timeoutMs: this.timeoutMs,
      secrets,
    })
    const accessToken = token.access_token
    const uid = uidOf(token.uid)
    if (typeof accessToken !== 'string' || accessToken === '' || uid === null) {
      throw providerError('provider_failed', 'Weibo oauth2/access_token: the answer has no access_token or uid', secrets)
    }
    // The token comes from this app's own exchange, with its secret, so its uid is this app's user.
    // (Weibo's advice to check a token with oauth2/get_token_info is for tokens a client hands over.)
    const withToken = [...secrets, accessToken]
    const query = new URLSearchParams({ access_token: accessToken, uid })
    const user = await callWeibo({ what: 'Weibo 2/users/show.json', url: `${this.apiBase}/2/users/show.json?${query}`, timeoutMs: this.timeoutMs, secrets: withToken })
    if ((uidOf(user.idstr) ?? uidOf(user.id)) !== uid) throw providerError('provider_failed', 'Weibo 2/users/show.json: the answer is about another user', withToken)
    return weiboProfile(uid, user as JsonObject)
  }
}
