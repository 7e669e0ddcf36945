/**
 * The redirect half of third-party sign-in. Starting an attempt keeps its state, PKCE verifier and
 * nonce (256 random bits each) in the key-value store under the SHA-256 of the state, single use,
 * for 10 minutes. The provider's callback uses the state up, has the provider exchange the code for
 * the profile, and keeps the profile under a new auth token (single use, 5 minutes, stored under
 * its SHA-256) that goes back to the app's page in its URL; the page trades it for a session.
 */
import { UserRouterError, fieldError, isUserRouterError } from '../errors.js'
import { checkNewIdentity } from '../model/identities.js'
import type { ProviderProfile, RedirectIdentityProvider } from '../ports.js'
import type { IdentityServiceDeps, RequestMeta } from './deps.js'
import { countAction } from './rate-limits.js'
import { randomBytes } from 'node:crypto'
import { hashToken, newOpaqueToken, OPAQUE_TOKEN_FORMAT } from './sessions.js'
import { traceUserKeys } from './user-traces.js'

export const STATE_TTL_SECONDS = 600
export const AUTH_TOKEN_TTL_SECONDS = 300

/** What the store keeps of an attempt between the redirect and the callback. Never the state itself. */
interface StoredAttempt {
  provider: string
  /** The app's page to send the browser back to, with the auth token. */
  callbackUrl: string
  redirectUri: string
  codeVerifier: string
  nonce: string
  /** The signed-in user whose page started the attempt, or null: only that user may link its identity. */
  startedBy: number | null
  /** Unix seconds, on the router's clock. */
  expiresAt: number
}

/** What an auth token grants: the profile one provider confirmed. */
interface StoredProfile {
  provider: string
  profile: ProviderProfile
  startedBy: number | null
  expiresAt: number
}

const attemptKey = (state: string) => `idp-state:${hashToken(state)}`

/** 256 random bits as hex: letters and digits only, as WeChat's official-account sign-in requires of a state. */
const newState = () => randomBytes(32).toString('hex')
const STATE_FORMAT = /^[0-9a-f]{64}$/
const profileKey = (authToken: string) => `idp-auth:${hashToken(authToken)}`

/** The configured provider of this name, or 404 `unknown_provider`. */
export function providerNamed(deps: IdentityServiceDeps, name: string): RedirectIdentityProvider {
  const { providers } = deps.identity
  if (!Object.hasOwn(providers, name)) throw new UserRouterError('unknown_provider')
  return providers[name]!
}

/** The app's page as a URL, or 400 naming `callback_url` unless its origin is allowed. */
function checkCallbackUrl(deps: IdentityServiceDeps, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw fieldError('invalid_request', 'callback_url', 'must be an absolute URL')
  }
  if (url.username || url.password || !deps.identity.allowedCallbackOrigins.includes(url.origin)) {
    throw fieldError('invalid_request', 'callback_url', 'is not on an allowed origin')
  }
  return url
}

/**
 * Starts a sign-in with `providerName`: checks the app's page (`callbackUrl`), keeps the attempt,
 * and answers the provider's authorization URL. `redirectUri` is the router's callback route.
 */
export async function startSignIn(
  deps: IdentityServiceDeps,
  providerName: string,
  callbackUrl: string,
  redirectUri: string,
  startedBy: number | null,
  meta: RequestMeta,
): Promise<string> {
  const provider = providerNamed(deps, providerName)
  const callback = checkCallbackUrl(deps, callbackUrl)
  await countAction(deps, 'signInRedirectsPerIpPerHour', meta.ip, meta)
  const request = { redirectUri, state: newState(), codeVerifier: newOpaqueToken(), nonce: newOpaqueToken() }
  const authorizationUrl = await provider.authorizationUrl(request)
  const attempt: StoredAttempt = {
    provider: providerName,
    callbackUrl: callback.href,
    redirectUri,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
    startedBy,
    expiresAt: deps.now() + STATE_TTL_SECONDS,
  }
  await deps.kv.set(attemptKey(request.state), JSON.stringify(attempt), STATE_TTL_SECONDS)
  // A link started by a signed-in user is that user's: deleting the account deletes it.
  if (startedBy !== null) await traceUserKeys(deps.kv, startedBy, [attemptKey(request.state)], STATE_TTL_SECONDS)
  return authorizationUrl
}

/** The attempt of the callback's `state`, used up; `invalid_state` when missing, unknown, used, expired or another provider's. */
async function takeAttempt(deps: IdentityServiceDeps, providerName: string, state: string): Promise<StoredAttempt> {
  const stored = STATE_FORMAT.test(state) ? await deps.kv.getAndDelete(attemptKey(state)) : null
  const attempt = stored === null ? null : (JSON.parse(stored) as StoredAttempt)
  if (!attempt || attempt.expiresAt <= deps.now() || attempt.provider !== providerName) throw new UserRouterError('invalid_state')
  return attempt
}

/** `provider_failed` unless the profile's subject and unionid can be stored as an identity. */
function checkProfile(deps: IdentityServiceDeps, providerName: string, profile: ProviderProfile): void {
  try {
    checkNewIdentity({ provider: providerName, subject: profile.subject, unionId: profile.unionId, linkedAt: deps.now() })
  } catch (error) {
    if (!isUserRouterError(error, 'invalid_request')) throw error
    throw new UserRouterError('provider_failed', { message: `The identity provider's answer has no usable ${error.details?.[0]?.field ?? 'subject'}.` })
  }
}

/**
 * Completes a sign-in at the router's callback route (`callback`: the whole URL the provider sent
 * the browser to) and answers the app's page with `token` (the auth token) added to its query.
 * Throws `invalid_state`, and the provider's `provider_failed` or `provider_unavailable`.
 */
export async function completeSignIn(deps: IdentityServiceDeps, providerName: string, callback: URL): Promise<string> {
  const provider = providerNamed(deps, providerName)
  const state = callback.searchParams.get('state') ?? ''
  const attempt = await takeAttempt(deps, providerName, state)
  const request = { redirectUri: attempt.redirectUri, state, codeVerifier: attempt.codeVerifier, nonce: attempt.nonce }
  const profile = await provider.complete(callback, request)
  checkProfile(deps, providerName, profile)
  const authToken = newOpaqueToken()
  const granted: StoredProfile = { provider: providerName, profile, startedBy: attempt.startedBy, expiresAt: deps.now() + AUTH_TOKEN_TTL_SECONDS }
  await deps.kv.set(profileKey(authToken), JSON.stringify(granted), AUTH_TOKEN_TTL_SECONDS)
  if (attempt.startedBy !== null) await traceUserKeys(deps.kv, attempt.startedBy, [profileKey(authToken)], AUTH_TOKEN_TTL_SECONDS)
  const target = new URL(attempt.callbackUrl)
  target.searchParams.set('token', authToken)
  return target.href
}

/**
 * The profile an auth token grants, used up: of concurrent callers one gets it; `invalid_auth_token`
 * otherwise. `linkingUser`: the user linking the identity, who must be the one whose signed-in page
 * started the sign-in, so an auth token of someone else's sign-in sent to a signed-in user's page
 * (the SDK's auth page takes `token` from its URL) links nothing.
 */
export async function takeProfile(deps: IdentityServiceDeps, providerName: string, authToken: string, linkingUser?: number): Promise<ProviderProfile> {
  providerNamed(deps, providerName)
  const stored = OPAQUE_TOKEN_FORMAT.test(authToken) ? await deps.kv.getAndDelete(profileKey(authToken)) : null
  const granted = stored === null ? null : (JSON.parse(stored) as StoredProfile)
  if (!granted || granted.expiresAt <= deps.now() || granted.provider !== providerName) throw new UserRouterError('invalid_auth_token')
  if (linkingUser !== undefined && granted.startedBy !== linkingUser) throw new UserRouterError('invalid_auth_token')
  return granted.profile
}
