/**
 * The example's third-party sign-in, from the environment: an OpenID Connect provider served as
 * `oauth-oidc` when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. IDP_ALLOWED_ORIGINS
 * (comma-separated) lists the origins of the pages a sign-in may return to; default the app's own.
 * WECHAT_APP_ID and WECHAT_APP_SECRET serve the WeChat mini-program routes, against WeChat's server
 * API at WECHAT_API_BASE (default WeChat's own; plain http:// only on loopback, for a stand-in).
 * Nothing set: no provider, and the router serves no sign-in routes.
 */
import { OidcProvider } from '../adapters/oidc/index.js'
import { WechatMiniProgramApi } from '../adapters/wechat-miniprogram/index.js'
import type { IdentityProvidersOptions, RedirectIdentityProvider } from '../src/index.js'

type Env = Record<string, string | undefined>

/** The `identityProviders` option, or undefined when no provider is configured. */
export function identityProvidersFromEnv(env: Env, ownOrigin: string): IdentityProvidersOptions | undefined {
  const providers: Record<string, RedirectIdentityProvider> = {}
  const oidc = requiredTogether(env, ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'])
  if (oidc) providers['oauth-oidc'] = new OidcProvider({ issuer: oidc.OIDC_ISSUER!, clientId: oidc.OIDC_CLIENT_ID!, clientSecret: oidc.OIDC_CLIENT_SECRET! })
  const wechat = requiredTogether(env, ['WECHAT_APP_ID', 'WECHAT_APP_SECRET'])
  const apiBase = env.WECHAT_API_BASE ? { apiBase: env.WECHAT_API_BASE } : {}
  const wechatMiniProgram = wechat && new WechatMiniProgramApi({ appId: wechat.WECHAT_APP_ID!, appSecret: wechat.WECHAT_APP_SECRET!, ...apiBase })
  const web = Object.keys(providers).length > 0
  if (!web && !wechatMiniProgram) return undefined
  const listed = (env.IDP_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
  return {
    ...(web ? { providers, allowedCallbackOrigins: listed.length > 0 ? listed : [ownOrigin] } : {}),
    ...(wechatMiniProgram ? { wechatMiniProgram } : {}),
  }
}

/** The values of `names`, all set, or undefined when none is; some but not all is a mistake worth stopping for. */
function requiredTogether(env: Env, names: string[]): Env | undefined {
  const missing = names.filter((name) => !env[name])
  if (missing.length === names.length) return undefined
  if (missing.length > 0) throw new Error(`${missing.join(', ')} must be set too (with ${names.filter((name) => env[name]).join(', ')})`)
  return env
}
