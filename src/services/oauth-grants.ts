/**
 * The password grant of the token endpoint (the phone API, RFC 6749 section 4.3): `username` is a
 * phone, a username or an e-mail address; `password` is the account's password or an
 * `oauth_login_code`. It goes through the same login throttle as the client API's sign-ins, counted
 * per account, so switching APIs gains an attacker nothing.
 */
import { UserRouterError } from '../errors.js'
import type { IdentifierKind, StoredUser } from '../model/user.js'
import { authenticate, checkIdentifierOrNull } from './accounts.js'
import { identifierLookups, throttleAccount } from './credentials.js'
import type { RequestMeta, OAuthServiceDeps } from './deps.js'
import { consumeLoginCode } from './login-codes.js'
import { startTokenFamily, type TokenPair } from './oauth-tokens.js'

/**
 * The identifiers `username` may be, most specific first: an e-mail address (it has an @); a phone
 * (it normalises as one), else a username; a username made of digits is found after the phone.
 */
function identifierCandidates(username: string): { kind: IdentifierKind; value: string }[] {
  if (username.includes('@')) return [{ kind: 'email', value: username }]
  const phone = checkIdentifierOrNull('phone', username)
  const usernames = identifierLookups('username', username).map((value) => ({ kind: 'username' as const, value }))
  return phone === null ? usernames : [{ kind: 'phone', value: phone }, ...usernames]
}

async function findByAny(deps: OAuthServiceDeps, candidates: { kind: IdentifierKind; value: string }[]): Promise<StoredUser | null> {
  for (const { kind, value } of candidates) {
    const user = await deps.store.getUserByIdentifier(kind, value)
    if (user) return user
  }
  return null
}

/** Signs in with a password or login code and starts a token family; `invalid_grant` for a wrong pair. */
export async function passwordGrant(deps: OAuthServiceDeps, input: { username: string; password: string }, clientId: string, meta: RequestMeta): Promise<TokenPair> {
  const candidates = identifierCandidates(input.username)
  const first = candidates[0]!
  let method = 'oauth'
  const user = await authenticate(
    deps,
    {
      account: throttleAccount(first.kind, first.value),
      method,
      password: input.password,
      findUser: () => findByAny(deps, candidates),
      otherProof: async (found) => {
        const used = await consumeLoginCode(deps, found.id, input.password)
        if (used) method = 'oauth_login_code'
        return used
      },
    },
    meta,
  )
  if (!user) throw new UserRouterError('invalid_grant', { message: 'Wrong username or password.' })
  const pair = await startTokenFamily(deps, user, clientId, meta)
  deps.emit({ type: 'login', userId: user.id, method, clientId, ip: meta.ip })
  return pair
}
