/** OpenID Connect claims as the port's `ProviderProfile`. */
import type { JsonObject, JsonValue } from '../../src/model/user.js'
import type { ProviderProfile } from '../../src/ports.js'
import { isSecureOrLoopback } from '../provider-http/provider-url.js'

/**
 * ID token claims about the token itself rather than the person: left out of `raw`, which is
 * shown to the user as their `_provider` entry.
 */
const TOKEN_CLAIMS = new Set(['iss', 'aud', 'azp', 'exp', 'iat', 'nbf', 'jti', 'nonce', 'at_hash', 'c_hash', 's_hash', 'sid', 'auth_time', 'acr', 'amr'])

/**
 * The person's claims: the ID token's (less its token claims) overlaid with the userinfo answer.
 * Both are parsed JSON objects.
 */
export function personClaims(idToken: object | undefined, userInfo: object | undefined): JsonObject {
  const claims: JsonObject = {}
  for (const [name, value] of Object.entries(idToken ?? {})) if (!TOKEN_CLAIMS.has(name)) claims[name] = value as JsonValue
  return { ...claims, ...(userInfo as JsonObject | undefined) }
}

export function toProfile(claims: JsonObject & { sub: string }): ProviderProfile {
  const profile: ProviderProfile = { subject: claims.sub, unionId: null, raw: claims, gender: gender(claims.gender) }
  const nickname = firstText(claims.name, claims.preferred_username, claims.nickname)
  if (nickname !== undefined) profile.nickname = nickname
  const avatar = avatarUrl(claims.picture)
  if (avatar !== undefined) profile.avatar = avatar
  const language = firstText(claims.locale)
  if (language !== undefined) profile.language = language
  return profile
}

function gender(value: JsonValue | undefined): number {
  if (value === 'male') return 1
  if (value === 'female') return 2
  return 0
}

function firstText(...values: (JsonValue | undefined)[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value.trim() !== '')
}

/** An absolute https:// URL (http:// only on loopback); anything else is no avatar. */
function avatarUrl(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined
  return isSecureOrLoopback(new URL(value)) ? value : undefined
}
