/**
 * Registration, sign-in, sign-out and account changes. Expected failures (wrong password, unknown
 * user) are values; rule violations throw `UserRouterError`.
 */
import { UserRouterError, fieldError, isUserRouterError } from '../errors.js'
import { INTERNAL_FIELDS } from '../model/fields.js'
import type { IdentifierKind, StoredUser } from '../model/user.js'
import type { UpdateOperation } from '../query/update.js'
import { noticeContactChange } from './change-notice.js'
import { checkIdentifier, checkPassword, identifierLookups, throttleAccount } from './credentials.js'
import { isRecentSignIn, proveCurrentPassword, proveRecentSignIn } from './current-password.js'
import type { RequestMeta, ServiceDeps } from './deps.js'
import type { PasswordCheck } from './passwords.js'
import { countAction } from './rate-limits.js'
import type { IssuedToken, Session } from './sessions.js'
import { grantUnlessSuspended } from './sign-in-guard.js'

export interface Credential {
  kind: IdentifierKind
  identifier: string
  password: string
}

export interface SignedIn {
  user: StoredUser
  token: IssuedToken
}

/** Every client API session starts here: never for a suspended user (see `grantUnlessSuspended`). */
async function startSession(deps: ServiceDeps, user: StoredUser, meta: RequestMeta): Promise<IssuedToken> {
  const data = { userId: user.id, clientId: meta.clientId, createdAt: deps.now(), ip: meta.ip, userAgent: meta.userAgent }
  const { token, expiresIn } = await grantUnlessSuspended(deps, user, {
    issue: () => deps.sessions.issue(data),
    revoke: ({ tokenHash }) => deps.sessions.revoke({ ...data, tokenHash }),
  })
  return { token, expiresIn }
}

/**
 * Starts a session for a user who has proven who they are (an SMS code, say) and emits `login` with
 * `method`; `account_suspended` for a suspended user.
 */
export async function signIn(deps: ServiceDeps, user: StoredUser, method: string, meta: RequestMeta): Promise<SignedIn> {
  const token = await startSession(deps, user, meta)
  deps.emit({ type: 'login', userId: user.id, method, clientId: meta.clientId, ip: meta.ip })
  return { user, token }
}

/**
 * Creates an account with a password and signs it in. A taken identifier throws `<kind>_taken`;
 * past the registrations of the IP, `rate_limited` before any hash.
 */
export async function register(deps: ServiceDeps, credential: Credential, meta: RequestMeta): Promise<SignedIn> {
  const identifier = checkIdentifier(credential.kind, credential.identifier)
  checkPassword(credential.password, deps.passwordPolicy, 'password', [identifier])
  await countAction(deps, 'registrationsPerIpPerHour', meta.ip, meta)
  const passwordHash = await deps.passwords.hash(credential.password, meta.abandoned)
  const user = await deps.store.createUser({ [credential.kind]: identifier, passwordHash, createdAt: deps.now() })
  const token = await startSession(deps, user, meta)
  deps.emit({ type: 'registered', userId: user.id, method: credential.kind, clientId: meta.clientId, ip: meta.ip })
  return { user, token }
}

/** A password sign-in attempt, as `authenticate` checks it. */
export interface PasswordAttempt {
  /**
   * The account as the login throttle counts it when no user has the identifier (`username:alice`,
   * normalised). An existing user is counted by id, whatever identifier or API named it.
   */
  account: string
  /** How the user signs in, for events (`username`, `oauth`, ...). */
  method: string
  password: string
  /** Looks the account up; null when there is none (the password is then checked against a dummy hash). */
  findUser(): Promise<StoredUser | null>
  /** Another proof tried before the password (an OAuth login code), with no hashing. */
  otherProof?(user: StoredUser): Promise<boolean>
}

/** The login throttle's account of a user's sign-ins: one per user, so its username, e-mail and phone share one count. */
export const userThrottleAccount = (userId: number) => `user:${userId}`

function throttleKeyOf(user: StoredUser | null, unknown: string): string {
  return user ? userThrottleAccount(user.id) : unknown
}

/**
 * Checks a password (or `otherProof`) under the login throttle: the user, or null for a wrong pair
 * (one answer for an unknown account and a wrong password, in the same time). The user is looked
 * up first, so that every spelling of one account counts as that account. A hash made with weaker
 * parameters is upgraded. Throws `login_throttled` past the limits, before any hash. Emits
 * `login_failed` and `rate_limited`; the caller emits `login`.
 */
export async function authenticate(deps: ServiceDeps, attempt: PasswordAttempt, meta: RequestMeta): Promise<StoredUser | null> {
  const { method } = attempt
  const user = await attempt.findUser()
  let check: PasswordCheck = { ok: false, needsRehash: false }
  let proven: boolean
  try {
    proven = await deps.throttle.attempt(throttleKeyOf(user, attempt.account), meta.ip, async () => {
      if (user && attempt.otherProof && (await attempt.otherProof(user))) return true
      check = await deps.passwords.check(user?.passwordHash ?? null, attempt.password, meta.abandoned)
      return user !== null && check.ok
    })
  } catch (error) {
    if (isUserRouterError(error, 'login_throttled')) deps.emit({ type: 'rate_limited', method, clientId: meta.clientId, ip: meta.ip })
    throw error
  }
  if (!user || !proven) {
    deps.emit({ type: 'login_failed', ...(user ? { userId: user.id } : {}), method, clientId: meta.clientId, ip: meta.ip })
    return null
  }
  if (!check.needsRehash) return user
  const passwordHash = await deps.passwords.hash(attempt.password)
  return (await deps.store.updateUser(user.id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.passwordHash, value: passwordHash }], updatedAt: user.updatedAt })) ?? user
}

/**
 * The throttled attempt of an identifier and a password, for `authenticate`: the client login and
 * the admin login count failures under one key per account, whatever its spelling.
 */
export function credentialAttempt(deps: ServiceDeps, credential: Credential): PasswordAttempt {
  const lookups = identifierLookups(credential.kind, credential.identifier)
  return {
    // An unknown identifier counts per normalised spelling: a phone in another notation is the same.
    account: throttleAccount(credential.kind, credential.identifier),
    method: credential.kind,
    password: credential.password,
    findUser: async () => {
      for (const lookup of lookups) {
        const user = await deps.store.getUserByIdentifier(credential.kind, lookup)
        if (user) return user
      }
      return null
    },
  }
}

/**
 * Signs in with an identifier and a password; null for a wrong pair (one answer for an unknown
 * account and a wrong password, in the same time). Throws `login_throttled` past the limits.
 */
export async function login(deps: ServiceDeps, credential: Credential, meta: RequestMeta): Promise<SignedIn | null> {
  const user = await authenticate(deps, credentialAttempt(deps, credential), meta)
  return user ? signIn(deps, user, credential.kind, meta) : null
}

export function checkIdentifierOrNull(kind: IdentifierKind, value: string): string | null {
  try {
    return checkIdentifier(kind, value)
  } catch {
    return null
  }
}

/** Creates an anonymous user (no identifier, no password) and signs it in; `rate_limited` past the IP's limit. */
export async function loginAnonymously(deps: ServiceDeps, meta: RequestMeta): Promise<SignedIn> {
  await countAction(deps, 'anonymousLoginsPerIpPerHour', meta.ip, meta)
  const user = await deps.store.createUser({ anonymous: true, createdAt: deps.now() })
  const token = await startSession(deps, user, meta)
  deps.emit({ type: 'login', userId: user.id, method: 'anonymous', clientId: meta.clientId, ip: meta.ip })
  return { user, token }
}

export async function logout(deps: ServiceDeps, session: Session, meta: RequestMeta): Promise<void> {
  await deps.sessions.revoke(session)
  deps.emit({ type: 'logout', userId: session.userId, clientId: meta.clientId, ip: meta.ip })
}

/** A change of login data: identifiers (null clears one), and the password. */
export interface AccountChanges {
  username?: string | null
  email?: string | null
  phone?: string | null
  /** The current password, required to change an existing one, and the e-mail or phone of an account with one. */
  password?: string
  newPassword?: string
  /** Unlink the account's identities at this provider (`oauth-oidc`, `wechat`, ...). */
  unlinkProvider?: string
}

/** How `changeAccount` runs for its caller. */
export interface ChangeAccountOptions {
  /** The caller's own session, kept when the password changes. */
  keepSession?: Session
  /**
   * The caller's session when a recent sign-in on it may stand in for the current password of an
   * e-mail or phone change (the client API); a password given anyway is still checked. An account
   * without a password proves its first password or a new contact by it (`proveRecentSignIn`).
   */
  recentSignIn?: Session
  /** Ask the current password (users); `false` for operators, who change accounts without it. */
  verifyCurrentPassword: boolean
  /** The body field carrying the current password, named in errors (default `password`). */
  currentPasswordField?: string
  meta: RequestMeta
}

/**
 * Applies an account change in one atomic update: a new e-mail or phone is
 * unverified; null clears an identifier but never the last way to sign in. A new password, and a
 * new (or cleared) e-mail or phone, need the current password when the account has one (unless
 * `verifyCurrentPassword: false`, or for the e-mail or phone a recent sign-in on `recentSignIn`); a
 * password change revokes every other session. The old verified
 * e-mail address is told of an e-mail or phone change.
 */
export async function changeAccount(deps: ServiceDeps, userId: number, changes: AccountChanges, options: ChangeAccountOptions): Promise<StoredUser> {
  const user = await deps.store.getUserById(userId)
  if (!user) throw new UserRouterError('user_not_found')
  const operations: UpdateOperation[] = []
  const next = { username: user.username, email: user.email, phone: user.phone, hasPassword: user.passwordHash !== null }
  const changedContacts: ('email' | 'phone')[] = []

  for (const kind of ['username', 'email', 'phone'] as const) {
    const value = changes[kind]
    if (value === undefined) continue
    const stored = value === null ? null : checkIdentifier(kind, value)
    if (stored === user[kind]) continue
    next[kind] = stored
    operations.push({ kind: 'set', field: INTERNAL_FIELDS[kind], value: stored })
    if (kind === 'email') operations.push({ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: false })
    if (kind === 'phone') operations.push({ kind: 'set', field: INTERNAL_FIELDS.phoneVerified, value: false })
    if (kind !== 'username') changedContacts.push(kind)
  }

  const unlinked = changes.unlinkProvider === undefined ? [] : user.identities.filter((identity) => identity.provider === changes.unlinkProvider)
  if (changes.unlinkProvider !== undefined && unlinked.length === 0) throw fieldError('invalid_request', 'unlink_provider', 'is not linked to this account')
  const contactsGiven = changes.email !== undefined || changes.phone !== undefined || changes.unlinkProvider !== undefined
  if (changes.password !== undefined && changes.newPassword === undefined && !contactsGiven) {
    throw fieldError('invalid_request', 'new_password', 'is required with password')
  }
  if (changes.newPassword !== undefined) checkPassword(changes.newPassword, deps.passwordPolicy, 'new_password', [next.username, next.email, next.phone])
  // Unlinking a way to sign in is proven like a contact change: by the password, or a recent sign-in.
  const signInWaysChange = changedContacts.length > 0 || unlinked.length > 0
  const contactsNeedProof = signInWaysChange && (changes.password !== undefined || !isRecentSignIn(deps, options.recentSignIn))
  if (options.verifyCurrentPassword && (changes.newPassword !== undefined || contactsNeedProof)) {
    const purpose = changes.newPassword !== undefined ? 'change the password' : proofPurpose(changedContacts, changes.unlinkProvider)
    const field = options.currentPasswordField ?? 'password'
    if (user.passwordHash === null) await proveRecentSignIn(deps, options.recentSignIn)
    else await proveCurrentPassword(deps, user, { password: changes.password, field, purpose }, options.meta)
  }
  if (changes.newPassword !== undefined) {
    operations.push({ kind: 'set', field: INTERNAL_FIELDS.passwordHash, value: await deps.passwords.hash(changes.newPassword) })
    next.hasPassword = true
  }

  const byIdentifier = (next.username !== null || next.email !== null || next.phone !== null) && (next.hasPassword || next.phone !== null)
  const canSignIn = byIdentifier || user.identities.length > unlinked.length
  if (!canSignIn && !user.anonymous) throw new UserRouterError('last_login_method')
  if (operations.length === 0 && unlinked.length === 0) return user
  if (user.anonymous && canSignIn) operations.push({ kind: 'set', field: INTERNAL_FIELDS.anonymous, value: false })
  // What the provider said of the user goes with its identity.
  if (changes.unlinkProvider !== undefined && changes.unlinkProvider in user.provider) {
    const { [changes.unlinkProvider]: _dropped, ...provider } = user.provider
    operations.push({ kind: 'set', field: INTERNAL_FIELDS.provider, value: provider })
  }

  let updated: StoredUser | null = user
  if (operations.length > 0) updated = await deps.store.updateUser(userId, { operations, updatedAt: deps.now() })
  for (const identity of unlinked) updated = await deps.store.unlinkIdentity(userId, identity.provider, identity.subject)
  if (!updated) throw new UserRouterError('user_not_found')
  const { meta } = options
  if (unlinked.length > 0) deps.emit({ type: 'identity_unlinked', userId, method: changes.unlinkProvider, clientId: meta.clientId, ip: meta.ip })
  if (changes.newPassword !== undefined) {
    await deps.sessions.revokeUser(userId, options.keepSession)
    deps.emit({ type: 'password_changed', userId, clientId: meta.clientId, ip: meta.ip })
  }
  if (operations.length > 0) deps.emit({ type: 'account_changed', userId, clientId: meta.clientId, ip: meta.ip })
  noticeContactChange(deps, user, changedContacts)
  return updated
}

/** What a change needs the current password for, ending "is required to ...". */
function proofPurpose(changedContacts: readonly ('email' | 'phone')[], unlinkProvider: string | undefined): string {
  const parts = changedContacts.length > 0 ? [`change the ${changedContacts.map((c) => (c === 'email' ? 'e-mail' : c)).join(' and ')}`] : []
  if (unlinkProvider !== undefined) parts.push(`unlink ${unlinkProvider}`)
  return parts.join(' and ')
}
