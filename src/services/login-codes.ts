/**
 * `oauth_login_code`s of the phone API: after an SMS code proves a phone, the account
 * gets a single-use secret (256 bits) that works once, within `oauth.loginCodeTtlSeconds`, as the
 * password of the OAuth password grant. The store keeps only its SHA-256; a newer code replaces an
 * older one, and a few wrong tries burn it.
 */
import type { KeyValueStore } from '../ports.js'
import type { OAuthServiceDeps } from './deps.js'
import { OPAQUE_TOKEN_FORMAT, hashToken, newOpaqueToken } from './sessions.js'

/** Wrong tries (of a login-code-shaped password) that burn the user's pending code. */
const MAX_FAILURES = 5

const loginCodeKey = (userId: number) => `oauth-login-code:${userId}`

/** A new login code for the user, replacing any earlier one. */
export async function issueLoginCode(deps: OAuthServiceDeps, userId: number): Promise<string> {
  const code = newOpaqueToken()
  await deps.kv.putSecret(loginCodeKey(userId), hashToken(code), deps.oauth.loginCodeTtlSeconds)
  return code
}

/** Whether `candidate` is the user's pending login code; a match uses it up. */
export async function consumeLoginCode(deps: OAuthServiceDeps, userId: number, candidate: string): Promise<boolean> {
  if (!OPAQUE_TOKEN_FORMAT.test(candidate)) return false
  return (await deps.kv.consumeSecret(loginCodeKey(userId), hashToken(candidate), MAX_FAILURES)) === 'match'
}

/** Deletes the user's pending login code (a deleted account's). */
export async function forgetLoginCode(kv: KeyValueStore, userId: number): Promise<void> {
  await kv.delete([loginCodeKey(userId)])
}
