/**
 * OAuth token families (RFC 6749, with the refresh-token rotation of the OAuth 2.0 Security Best
 * Current Practice). A password grant starts a family; each refresh uses the family's current
 * refresh token up and hands out a new access token and refresh token. Presenting a refresh token
 * that is not the current one (a replay of a rotated token) revokes the whole family, its access
 * tokens included: one of its holders is not the legitimate client.
 *
 * Keys, each on its own (one hash slot per operation, so Redis Cluster works unchanged):
 * - `oauth-family:<id>`: `{userId, clientId, createdAt, expiresAt, ip, userAgent}` (the sign-in's),
 *   for the family's whole lifetime (absolute: refreshes never extend it). Listed in the user's
 *   session index, so revoking the user ends it.
 * - `oauth-refresh:<id>`: the SHA-256 of the current refresh token's secret, as a one-time secret.
 * - `oauth-family-tokens:<id>`: the session keys of the family's access tokens.
 * - `oauth-family-used:<id>`: Unix seconds of the last refresh, the family's last use. Apart from
 *   the family key, so that a refresh never writes that key back after a revocation deleted it.
 *
 * A refresh token reads `<family id>.<secret>`; only its holders know the family id.
 */
import { randomBytes } from 'node:crypto'
import { UserRouterError } from '../errors.js'
import type { StoredUser } from '../model/user.js'
import type { RequestMeta, OAuthServiceDeps } from './deps.js'
import { countAction, rateCounterKey } from './rate-limits.js'
import type { KeyValueStore } from '../ports.js'
import { OPAQUE_TOKEN_FORMAT, familyKey, familyRefreshKey, familyTokensKey, familyUseKey, hashToken, newOpaqueToken, sessionKey } from './sessions.js'
import { grantUnlessSuspended } from './sign-in-guard.js'
import { traceUserKeys } from './user-traces.js'

/** The answer of the token endpoint, in domain terms. */
export interface TokenPair {
  accessToken: string
  refreshToken: string
  /** Seconds the access token lives. */
  expiresIn: number
  /** Unix seconds. */
  createdAt: number
}

/** A family as stored; the sign-in's time, address and agent are absent on families stored before they were kept. */
export interface Family {
  userId: number
  clientId: string
  /** Unix seconds. */
  expiresAt: number
  /** Unix seconds. */
  createdAt?: number
  ip?: string
  userAgent?: string
}

const REFRESH_TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/

const keys = { family: familyKey, refresh: familyRefreshKey, familyTokens: familyTokensKey, lastUse: familyUseKey }

/**
 * Starts a token family for a user who has just proven who they are, and issues its first pair;
 * `account_suspended` for a suspended user (see `grantUnlessSuspended`).
 */
export async function startTokenFamily(deps: OAuthServiceDeps, user: StoredUser, clientId: string, meta: RequestMeta): Promise<TokenPair> {
  const id = randomBytes(16).toString('base64url')
  const ttl = deps.oauth.refreshTokenTtlSeconds
  const now = deps.now()
  const family: Family = { userId: user.id, clientId, createdAt: now, expiresAt: now + ttl, ip: meta.ip, userAgent: meta.userAgent }
  return grantUnlessSuspended(deps, user, {
    issue: async () => {
      // Ending the family deletes its own keys; its refresh counter is the user's too, which deleting the account deletes.
      await Promise.all([
        deps.kv.set(keys.family(id), JSON.stringify(family), ttl),
        deps.sessions.trackFamily(user.id, id, now, family.expiresAt),
        traceUserKeys(deps.kv, user.id, [rateCounterKey('refreshesPerFamilyPerHour', id)], ttl),
      ])
      return issueInFamily(deps, id, family, meta)
    },
    revoke: () => revokeFamily(deps, id, family),
  })
}

/** A new access token and refresh token of the family; the previous refresh token stops working. */
async function issueInFamily(deps: OAuthServiceDeps, id: string, family: Family, meta: RequestMeta): Promise<TokenPair> {
  const { accessTokenTtlSeconds } = deps.oauth
  const now = deps.now()
  const familyLeft = Math.max(1, family.expiresAt - now)
  const secret = newOpaqueToken()
  const access = await deps.sessions.issue(
    { userId: family.userId, clientId: family.clientId, createdAt: now, ip: meta.ip, userAgent: meta.userAgent, family: id },
    Math.min(accessTokenTtlSeconds, familyLeft),
  )
  await Promise.all([deps.kv.addToSet(keys.familyTokens(id), sessionKey(access.tokenHash), familyLeft), deps.kv.putSecret(keys.refresh(id), hashToken(secret), familyLeft)])
  return { accessToken: access.token, refreshToken: `${id}.${secret}`, expiresIn: access.expiresIn, createdAt: now }
}

export async function readFamily(deps: { kv: KeyValueStore }, id: string): Promise<Family | null> {
  const stored = await deps.kv.get(keys.family(id))
  return stored === null ? null : (JSON.parse(stored) as Family)
}

/** Unix seconds of the family's last refresh, or null before the first one. */
export async function familyLastUse(deps: { kv: KeyValueStore }, id: string): Promise<number | null> {
  const stored = await deps.kv.get(keys.lastUse(id))
  return stored === null ? null : Number(stored)
}

/**
 * The refresh_token grant: uses the refresh token up and issues the family's next pair. Throws
 * `invalid_grant` for a malformed, unknown, expired or revoked token, a token of another client, or
 * a token that is not the family's current one, which also revokes the family; `rate_limited`
 * past the family's refreshes per hour; `account_suspended` (the family ended) when an operator
 * suspended the user.
 */
export async function refreshTokens(deps: OAuthServiceDeps, refreshToken: string, clientId: string, meta: RequestMeta): Promise<TokenPair> {
  const match = REFRESH_TOKEN.exec(refreshToken)
  if (!match) throw new UserRouterError('invalid_grant')
  const [, id, secret] = match as unknown as [string, string, string]
  const family = await readFamily(deps, id)
  if (!family || family.expiresAt <= deps.now()) throw new UserRouterError('invalid_grant')
  if (family.clientId !== clientId) throw new UserRouterError('invalid_grant', { message: 'The refresh token was issued to another client.' })
  // Before the token is used up: a refused refresh leaves it usable once the hour is over.
  await countAction(deps, 'refreshesPerFamilyPerHour', id, { ip: meta.ip, clientId, userId: family.userId })
  // One atomic step: the current token matches once; anything else (a rotated token replayed, or a
  // second use racing the first) deletes the secret, and the family is revoked below.
  if ((await deps.kv.consumeSecret(keys.refresh(id), hashToken(secret), 1)) !== 'match') {
    await revokeFamily(deps, id, family)
    deps.emit({ type: 'refresh_token_reused', userId: family.userId, clientId, ip: meta.ip })
    throw new UserRouterError('invalid_grant')
  }
  const user = await deps.store.getUserById(family.userId)
  if (!user || user.suspended) {
    await revokeFamily(deps, id, family)
    throw new UserRouterError(user ? 'account_suspended' : 'invalid_grant')
  }
  const pair = await issueInFamily(deps, id, family, meta)
  // A revocation that ran while this pair was issued may have missed it: it must not outlive the
  // family. A suspension ends the family too (`revokeUser`), so this also covers one racing the refresh.
  if ((await readFamily(deps, id)) === null) {
    await revokeFamily(deps, id, family)
    throw new UserRouterError('invalid_grant')
  }
  await deps.kv.set(keys.lastUse(id), String(pair.createdAt), Math.max(1, family.expiresAt - pair.createdAt))
  return pair
}

/** Ends a family, its refresh token and access tokens, and takes it out of its user's index. */
function revokeFamily(deps: OAuthServiceDeps, id: string, family: Family): Promise<void> {
  return deps.sessions.endFamily(family.userId, id)
}

/**
 * `consumeSecret`'s failure limit for the revocation check: never reached, so a wrong secret only
 * answers `'mismatch'` (a count kept with the secret, which the refresh grant's match ignores).
 */
const REVOKE_CHECK_MAX_FAILURES = 2 ** 31

/** What `/oauth/revoke` found for a token (RFC 7009). */
export type RevocationResult = 'revoked' | 'unknown' | 'other_client'

/**
 * Revokes an access token (that token alone) or a refresh token (its whole family), when it was
 * issued to `clientId`. An unknown, expired or malformed token is `unknown` (RFC 7009: not an
 * error); a token of another client, or a client API token, is `other_client` and stays valid.
 * A refresh token is checked whole: one that is not the family's current token (a wrong secret, or
 * a rotated token) is `unknown` and revokes nothing. Only the current secret is stored, so a rotated
 * token cannot be told from a forged one, and a forged one must not be able to end a family.
 */
export async function revokeToken(deps: OAuthServiceDeps, token: string, clientId: string, meta: RequestMeta): Promise<RevocationResult> {
  const refresh = REFRESH_TOKEN.exec(token)
  if (refresh) {
    const [, id, secret] = refresh as unknown as [string, string, string]
    const family = await readFamily(deps, id)
    if (!family || family.expiresAt <= deps.now()) return 'unknown'
    // The whole token must be the family's current one: its id alone (with a made-up secret, or a
    // rotated refresh token's) revokes nothing. Wrong guesses never use the secret up, so they cannot
    // end the family through the refresh grant's one-failure limit either.
    if ((await deps.kv.consumeSecret(keys.refresh(id), hashToken(secret), REVOKE_CHECK_MAX_FAILURES)) !== 'match') return 'unknown'
    if (family.clientId !== clientId) {
      // Checking took the secret; the token stays valid for its own client, so it goes back. A refresh
      // landing in between finds no secret and ends the family: the safe side.
      await deps.kv.putSecret(keys.refresh(id), hashToken(secret), Math.max(1, family.expiresAt - deps.now()))
      return 'other_client'
    }
    await revokeFamily(deps, id, family)
    deps.emit({ type: 'token_revoked', userId: family.userId, method: 'refresh_token', clientId, ip: meta.ip })
    return 'revoked'
  }
  if (!OPAQUE_TOKEN_FORMAT.test(token)) return 'unknown'
  const session = await deps.sessions.verify(token)
  if (!session) return 'unknown'
  if (session.family === undefined || session.clientId !== clientId) return 'other_client'
  await deps.sessions.revoke(session)
  deps.emit({ type: 'token_revoked', userId: session.userId, method: 'access_token', clientId, ip: meta.ip })
  return 'revoked'
}
