/**
 * A stand-in for WeChat's web sign-in, implementing its documented endpoints: the authorization
 * pages (`connect/oauth2/authorize` for official accounts, `connect/qrconnect` for the open
 * platform) which, as WeChat does once the user agrees, send the browser back to redirect_uri with
 * a code and the state; `sns/oauth2/access_token` (codes single use, 5 minutes); `sns/userinfo`.
 * Errors as WeChat gives them: HTTP 200 with `{ errcode, errmsg }`.
 */
import { randomValue, type StandInServer, startStandInServer } from './stand-in-server.js'

export interface WechatUser {
  openid: string
  unionid?: string
  nickname: string
  sex: number | string
  province: string
  city: string
  country: string
  headimgurl: string
  privilege: string[]
}

export interface WechatStandInOptions {
  appId: string
  appSecret: string
  /** The user who agrees on the authorization page. */
  user: WechatUser
}

const AUTHORIZE_SCOPES: Record<string, string[]> = {
  '/connect/oauth2/authorize': ['snsapi_base', 'snsapi_userinfo'],
  '/connect/qrconnect': ['snsapi_login'],
}

/** WeChat's error body: its errmsg ends with a request id. */
function wechatError(errcode: number, errmsg: string): { status: number; body: unknown } {
  return { status: 200, body: { errcode, errmsg: `${errmsg}, rid: ${randomValue().slice(0, 24)}` } }
}

export async function startWechatStandIn(options: WechatStandInOptions): Promise<StandInServer> {
  const codes = new Map<string, { scope: string; expires: number; used: boolean }>()
  const tokens = new Map<string, string>() // access token -> scope
  return startStandInServer((request, url) => {
    const query = url.searchParams
    const scopes = AUTHORIZE_SCOPES[url.pathname]
    if (request.method === 'GET' && scopes !== undefined) {
      const redirectUri = query.get('redirect_uri')
      const scope = query.get('scope') ?? ''
      if (query.get('appid') !== options.appId || redirectUri === null || query.get('response_type') !== 'code' || !scopes.includes(scope)) {
        return { status: 200, body: '参数错误' }
      }
      const code = randomValue()
      codes.set(code, { scope, expires: Date.now() + 5 * 60_000, used: false })
      const back = new URL(redirectUri)
      back.searchParams.set('code', code)
      back.searchParams.set('state', query.get('state') ?? '')
      return { status: 302, body: '', headers: { Location: back.href } }
    }
    if (request.method === 'GET' && url.pathname === '/sns/oauth2/access_token') {
      if (query.get('appid') !== options.appId) return wechatError(40013, 'invalid appid')
      if (query.get('secret') !== options.appSecret) return wechatError(40125, 'invalid appsecret')
      if (query.get('grant_type') !== 'authorization_code') return wechatError(40002, 'invalid grant_type')
      const issued = codes.get(query.get('code') ?? '')
      if (issued === undefined || issued.expires < Date.now()) return wechatError(40029, 'invalid code')
      if (issued.used) return wechatError(40163, 'code been used')
      issued.used = true
      const accessToken = randomValue()
      tokens.set(accessToken, issued.scope)
      const { openid, unionid } = options.user
      // The open platform gives the unionid with the token; an official account only in sns/userinfo.
      const union = issued.scope === 'snsapi_login' && unionid !== undefined ? { unionid } : {}
      return { status: 200, body: { access_token: accessToken, expires_in: 7200, refresh_token: randomValue(), openid, scope: issued.scope, ...union } }
    }
    if (request.method === 'GET' && url.pathname === '/sns/userinfo') {
      const scope = tokens.get(query.get('access_token') ?? '')
      if (scope === undefined) return wechatError(40001, 'invalid credential, access_token is invalid or not latest')
      if (scope === 'snsapi_base') return wechatError(48001, 'api unauthorized')
      if (query.get('openid') !== options.user.openid) return wechatError(40003, 'invalid openid')
      return { status: 200, body: options.user }
    }
    return { status: 404, body: 'not found' }
  })
}
