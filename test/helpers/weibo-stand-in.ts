/**
 * A stand-in for Weibo's OAuth 2.0 sign-in, implementing its documented endpoints: `oauth2/authorize`
 * (which, as Weibo does once the user agrees, sends the browser back to redirect_uri with a code and
 * the state), `oauth2/access_token` (POST form; codes single use, bound to their redirect_uri) and
 * `2/users/show.json`. Errors as Weibo gives them: a 4xx status with `{ error, error_code,
 * error_description }` from the OAuth endpoints and `{ request, error_code, error }` from the API.
 */
import { randomValue, type StandInServer, startStandInServer } from './stand-in-server.js'

export interface WeiboUser {
  id: number
  idstr: string
  screen_name: string
  profile_image_url: string
  avatar_large: string
  gender: 'm' | 'f' | 'n'
  location: string
  lang: string
  [field: string]: unknown
}

export interface WeiboStandInOptions {
  clientId: string
  clientSecret: string
  /** The user who agrees on the authorization page. */
  user: WeiboUser
}

function oauthError(error: string, errorCode: number, description: string): { status: number; body: unknown } {
  return { status: 400, body: { error, error_code: errorCode, error_description: description } }
}

export async function startWeiboStandIn(options: WeiboStandInOptions): Promise<StandInServer> {
  const codes = new Map<string, { redirectUri: string; used: boolean }>()
  const tokens = new Set<string>()
  return startStandInServer((request, url, body) => {
    const query = url.searchParams
    if (request.method === 'GET' && url.pathname === '/oauth2/authorize') {
      const redirectUri = query.get('redirect_uri')
      if (query.get('client_id') !== options.clientId || redirectUri === null || query.get('response_type') !== 'code') {
        return { status: 400, body: 'invalid_request' }
      }
      const code = randomValue()
      codes.set(code, { redirectUri, used: false })
      const back = new URL(redirectUri)
      back.searchParams.set('code', code)
      back.searchParams.set('state', query.get('state') ?? '')
      return { status: 302, body: '', headers: { Location: back.href } }
    }
    if (request.method === 'POST' && url.pathname === '/oauth2/access_token') {
      const form = new URLSearchParams(body)
      if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) {
        return oauthError('invalid_client', 21324, 'client_id or client_secret is invalid')
      }
      if (form.get('grant_type') !== 'authorization_code') return oauthError('unsupported_grant_type', 21328, 'unsupported grant type')
      const issued = codes.get(form.get('code') ?? '')
      if (issued === undefined || issued.used) return oauthError('invalid_grant', 21325, 'invalid authorization code')
      if (issued.redirectUri !== form.get('redirect_uri')) return oauthError('redirect_uri_mismatch', 21322, 'redirect_uri mismatch')
      issued.used = true
      const accessToken = randomValue()
      tokens.add(accessToken)
      return { status: 200, body: { access_token: accessToken, remind_in: '157679999', expires_in: 157679999, uid: options.user.idstr, isRealName: 'true' } }
    }
    if (request.method === 'GET' && url.pathname === '/2/users/show.json') {
      if (!tokens.has(query.get('access_token') ?? '')) return { status: 403, body: { request: url.pathname, error_code: 21332, error: 'invalid_access_token' } }
      if (query.get('uid') !== options.user.idstr) return { status: 400, body: { request: url.pathname, error_code: 20003, error: 'User does not exists!' } }
      return { status: 200, body: options.user }
    }
    return { status: 404, body: 'not found' }
  })
}
