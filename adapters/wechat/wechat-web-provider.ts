/**
 * WeChat web sign-in, by hand: WeChat's exchange is OAuth-like but not OAuth 2.0 (the app secret
 * travels in the query, errors come back with HTTP 200 and an errcode, there is no PKCE and no
 * nonce: the router's single-use state is the only binding between the redirect and the callback).
 *
 * - `official-account`: 网页授权 of an official account, inside WeChat's own browser
 *   (`connect/oauth2/authorize`, scope snsapi_userinfo).
 * - `open-platform`: a website application of the open platform, signing in by QR code
 *   (`connect/qrconnect`, scope snsapi_login).
 */
import type { JsonObject } from '../../src/model/user.js'
import type { AuthorizationRequest, ProviderProfile, RedirectIdentityProvider } from '../../src/ports.js'
import { providerError } from '../provider-http/provider-fetch.js'
import { providerBaseUrl, providerTimeout, requiredText } from '../provider-http/provider-url.js'
import { callWechat } from './wechat-api.js'
import { wechatProfile } from './wechat-profile.js'

export interface WechatWebProviderOptions {
  /** The official account's or website application's AppID. */
  appId: string
  /** Its AppSecret. Sent only to `apiBase`, never logged or put in an error. */
  appSecret: string
  /** `official-account` (sign-in inside WeChat) or `open-platform` (QR code sign-in on a website). */
  kind: 'official-account' | 'open-platform'
  /** Default: snsapi_userinfo (official account), snsapi_login (open platform). snsapi_base gives the openid only. */
  scope?: string
  /** Default `https://api.weixin.qq.com`. */
  apiBase?: string
  /** Default `https://open.weixin.qq.com`. */
  authorizeBase?: string
  /** Milliseconds each call to WeChat may take. Default 5000. */
  timeoutMs?: number
}

const KINDS = { 'official-account': { path: '/connect/oauth2/authorize', scope: 'snsapi_userinfo' }, 'open-platform': { path: '/connect/qrconnect', scope: 'snsapi_login' } }

export class WechatWebProvider implements RedirectIdentityProvider {
  private readonly appId: string
  private readonly appSecret: string
  private readonly authorizeEndpoint: string
  private readonly scope: string
  private readonly apiBase: string
  private readonly timeoutMs: number

  constructor(options: WechatWebProviderOptions) {
    const name = 'WechatWebProvider: options'
    this.appId = requiredText(options?.appId, `${name}.appId`)
    this.appSecret = requiredText(options.appSecret, `${name}.appSecret`)
    if (options.kind !== 'official-account' && options.kind !== 'open-platform') throw new TypeError(`${name}.kind must be "official-account" or "open-platform"`)
    const kind = KINDS[options.kind]
    this.scope = options.scope === undefined ? kind.scope : requiredText(options.scope, `${name}.scope`)
    this.apiBase = providerBaseUrl(options.apiBase ?? 'https://api.weixin.qq.com', `${name}.apiBase`)
    this.authorizeEndpoint = providerBaseUrl(options.authorizeBase ?? 'https://open.weixin.qq.com', `${name}.authorizeBase`) + kind.path
    this.timeoutMs = providerTimeout(options.timeoutMs, `${name}.timeoutMs`, 5000)
  }

  /** WeChat checks the parameters' order and wants `#wechat_redirect` at the end. */
  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const query = new URLSearchParams({ appid: this.appId, redirect_uri: request.redirectUri, response_type: 'code', scope: this.scope, state: request.state })
    return `${this.authorizeEndpoint}?${query}#wechat_redirect`
  }

  async complete(callback: URL, _request: AuthorizationRequest): Promise<ProviderProfile> {
    const code = callback.searchParams.get('code')
    // A user who refuses is sent back with the state only.
    if (code === null || code === '') throw providerError('provider_failed', 'WeChat: the callback has no code (the user did not agree)', [])
    const secrets = [this.appSecret, code]
    const tokenQuery = new URLSearchParams({ appid: this.appId, secret: this.appSecret, code, grant_type: 'authorization_code' })
    const token = await callWechat({ what: 'WeChat sns/oauth2/access_token', url: `${this.apiBase}/sns/oauth2/access_token?${tokenQuery}`, timeoutMs: this.timeoutMs, secrets })
    const { access_token: accessToken, openid, unionid } = token
    if (typeof accessToken !== 'string' || accessToken === '' || typeof openid !== 'string' || openid === '') {
      throw providerError('provider_failed', 'WeChat sns/oauth2/access_token: the answer has no access_token or openid', secrets)
    }
    const unionId = typeof unionid === 'string' && unionid !== '' ? unionid : undefined
    if (this.scope === 'snsapi_base') return wechatProfile(openid, unionId, null)
    const userQuery = new URLSearchParams({ access_token: accessToken, openid, lang: 'zh_CN' })
    const userinfo = await callWechat({
      what: 'WeChat sns/userinfo',
      url: `${this.apiBase}/sns/userinfo?${userQuery}`,
      timeoutMs: this.timeoutMs,
      secrets: [...secrets, accessToken],
    })
    if (userinfo.openid !== openid) throw providerError('provider_failed', 'WeChat sns/userinfo: the answer is about another openid', [...secrets, accessToken])
    return wechatProfile(openid, unionId, userinfo as JsonObject)
  }
}
