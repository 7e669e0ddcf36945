/**
 * The account half of third-party sign-in: a profile a provider confirmed (kept under an auth
 * token, see `identity-redirects.ts`) signs in the user holding its identity, creates one, or
 * links the identity to the signed-in user.
 *
 * A new user has the identity and nothing else: no password, no e-mail, no phone. A provider's
 * e-mail address or phone never merges into, or claims, an existing account: only the identity
 * (provider and subject) finds a user. The profile fields the provider gave fill the user's as
 * `update_userprofile` says, and `_provider[<provider>]` keeps the provider's user information.
 */
import { UserRouterError, isUserRouterError } from '../errors.js'
import { BUILTIN_FIELDS, type FieldDef, INTERNAL_FIELDS } from '../model/fields.js'
import type { NewIdentity, StoredUser } from '../model/user.js'
import { storableProviderInfo } from '../model/provider-info.js'
import type { ProviderProfile } from '../ports.js'
import type { UpdateOperation } from '../query/update.js'
import { type SignedIn, signIn } from './accounts.js'
import type { IdentityServiceDeps, RequestMeta, ServiceDeps } from './deps.js'
import { takeProfile } from './identity-redirects.js'
import { refuseSuspended } from './sign-in-guard.js'

/** How the provider's profile fills the user's: every field it gave, only empty fields, or none. */
export type ProfileUpdate = 'overwrite' | 'setnx' | false

/** The user's profile fields a provider may fill; a field is empty when '' (gender: 0). */
const PROFILE_FIELDS = ['nickname', 'avatar', 'gender', 'country', 'province', 'city', 'language'] as const
type ProfileField = (typeof PROFILE_FIELDS)[number]
type ProfileValues = Partial<Pick<StoredUser, ProfileField>>

const fieldNamed = (name: ProfileField): FieldDef => BUILTIN_FIELDS.find((field) => field.name === name)!

/** The provider's values that fit the fields: strings cut to the field's length (an over-long avatar URL left out), gender 0, 1 or 2. */
function providedValues(profile: ProviderProfile): ProfileValues {
  const values: ProfileValues = {}
  const texts = values as Partial<Record<ProfileField, string>>
  for (const name of PROFILE_FIELDS) {
    const value = profile[name]
    const field = fieldNamed(name)
    if (name === 'gender') {
      if (value === 0 || value === 1 || value === 2) values.gender = value
    } else if (typeof value === 'string' && value !== '') {
      const characters = [...value]
      const max = field.maxLength ?? Number.POSITIVE_INFINITY
      if (characters.length <= max) texts[name] = value
      else if (name !== 'avatar') texts[name] = characters.slice(0, max).join('')
    }
  }
  return values
}

/** The values to write to `user` (null: a new user, every field empty). */
function chosenValues(user: StoredUser | null, profile: ProviderProfile, mode: ProfileUpdate): ProfileValues {
  if (mode === false) return {}
  const values = providedValues(profile)
  if (mode === 'overwrite' || user === null) return values
  return Object.fromEntries(Object.entries(values).filter(([name]) => user[name as ProfileField] === '' || user[name as ProfileField] === 0))
}

function identityOf(deps: ServiceDeps, providerName: string, profile: ProviderProfile): NewIdentity {
  return { provider: providerName, subject: profile.subject, unionId: profile.unionId, linkedAt: deps.now() }
}

/** Writes the chosen profile values and `_provider[<provider>]`; an anonymous user stops being one (it can sign in now). */
export async function applyProfile(deps: ServiceDeps, user: StoredUser, providerName: string, profile: ProviderProfile, mode: ProfileUpdate): Promise<StoredUser> {
  const operations: UpdateOperation[] = Object.entries(chosenValues(user, profile, mode)).map(([name, value]) => ({ kind: 'set', field: fieldNamed(name as ProfileField), value }))
  operations.push({ kind: 'patch', field: INTERNAL_FIELDS.provider, value: { [providerName]: storableProviderInfo(profile.raw) } })
  if (user.anonymous) operations.push({ kind: 'set', field: INTERNAL_FIELDS.anonymous, value: false })
  const updated = await deps.store.updateUser(user.id, { operations, updatedAt: deps.now() })
  if (!updated) throw new UserRouterError('user_not_found')
  return updated
}

/** A new user holding the identity, or null when a concurrent sign-in created its holder first. */
async function createIdentityUser(deps: ServiceDeps, providerName: string, profile: ProviderProfile, mode: ProfileUpdate, meta: RequestMeta): Promise<StoredUser | null> {
  const fields = { ...chosenValues(null, profile, mode), provider: { [providerName]: storableProviderInfo(profile.raw) }, createdAt: deps.now() }
  try {
    const user = await deps.store.createUserWithIdentity(fields, identityOf(deps, providerName, profile))
    deps.emit({ type: 'registered', userId: user.id, method: providerName, clientId: meta.clientId, ip: meta.ip })
    return user
  } catch (error) {
    if (isUserRouterError(error, 'identity_taken')) return null
    throw error
  }
}

/** What `POST /hserve/v2.0/idp/:provider/authenticate/` carries, besides the auth token. */
export interface IdentitySignIn {
  /** Create a user when none holds the identity (otherwise 404 `user_not_found`). */
  createUser: boolean
  updateProfile: ProfileUpdate
}

/**
 * Signs in with a profile a provider confirmed: the user holding its identity, or a new one
 * (`createUser`). Of concurrent first sign-ins of one identity, one creates the user and the others
 * sign into it. Throws `user_not_found`. Emits `registered` (for a new user) and `login`, with the
 * provider's name as `method`.
 */
export async function signInWithProfile(deps: ServiceDeps, providerName: string, profile: ProviderProfile, input: IdentitySignIn, meta: RequestMeta): Promise<SignedIn> {
  let user = await deps.store.getUserByIdentity(providerName, profile.subject)
  if (!user) {
    if (!input.createUser) throw new UserRouterError('user_not_found')
    const created = await createIdentityUser(deps, providerName, profile, input.updateProfile, meta)
    if (created) return signIn(deps, created, providerName, meta)
    user = await deps.store.getUserByIdentity(providerName, profile.subject)
    if (!user) throw new UserRouterError('identity_taken')
  }
  refuseSuspended(user)
  return signIn(deps, await applyProfile(deps, user, providerName, profile, input.updateProfile), providerName, meta)
}

/** `signInWithProfile` with the profile of an auth token (used up); `invalid_auth_token` for a bad one. */
export async function signInWithIdentity(deps: IdentityServiceDeps, providerName: string, authToken: string, input: IdentitySignIn, meta: RequestMeta): Promise<SignedIn> {
  return signInWithProfile(deps, providerName, await takeProfile(deps, providerName, authToken), input, meta)
}

/**
 * Links the identity of a profile a provider confirmed to the user and fills the profile as `mode`
 * says. Throws `identity_taken` (another user holds it), `user_not_found`. Emits `identity_linked`.
 */
export async function linkProfile(deps: ServiceDeps, userId: number, providerName: string, profile: ProviderProfile, mode: ProfileUpdate, meta: RequestMeta): Promise<StoredUser> {
  const linked = await deps.store.linkIdentity(userId, identityOf(deps, providerName, profile))
  if (!linked) throw new UserRouterError('user_not_found')
  const user = await applyProfile(deps, linked, providerName, profile, mode)
  deps.emit({ type: 'identity_linked', userId, method: providerName, clientId: meta.clientId, ip: meta.ip })
  return user
}

/** `linkProfile` with the profile of an auth token (used up); `invalid_auth_token` for a bad one. */
export async function linkIdentityToUser(
  deps: IdentityServiceDeps,
  userId: number,
  providerName: string,
  authToken: string,
  mode: ProfileUpdate,
  meta: RequestMeta,
): Promise<StoredUser> {
  return linkProfile(deps, userId, providerName, await takeProfile(deps, providerName, authToken, userId), mode, meta)
}
