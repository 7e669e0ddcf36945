/**
 * The account side of the client API's SMS codes (purpose `client`): signing in with a code,
 * creating the account when asked, and verifying the signed-in user's phone.
 */
import { UserRouterError, fieldError, isUserRouterError } from '../errors.js'
import { INTERNAL_FIELDS } from '../model/fields.js'
import type { StoredUser } from '../model/user.js'
import { claimWithPhone } from './account-claims.js'
import { signIn, type SignedIn } from './accounts.js'
import { checkIdentifier } from './credentials.js'
import type { RequestMeta, ServiceDeps } from './deps.js'
import { verifySmsCode } from './sms-codes.js'
import { refuseSuspended } from './sign-in-guard.js'

/** What `POST /hserve/v2.1/login/sms/` carries. */
export interface SmsLogin {
  phone: string
  code: string
  /** Create an account (phone verified, no password) when none has this phone. */
  createUser: boolean
}

/**
 * Signs in with an SMS code. The code is checked (and consumed) before the account is looked up,
 * so only the phone's owner can learn whether it has an account: an unknown phone with
 * `createUser: false` is `user_not_found` with the code spent. Throws `invalid_code` for a wrong,
 * used or expired code. The phone of the account is verified from then on; an account whose phone
 * was unverified is claimed (`claimWithPhone`): earlier sessions end and its password is cleared.
 */
export async function loginWithSmsCode(deps: ServiceDeps, input: SmsLogin, meta: RequestMeta): Promise<SignedIn> {
  const phone = checkIdentifier('phone', input.phone)
  if (!(await verifySmsCode(deps, { phone, purpose: 'client', code: input.code, ip: meta.ip, clientId: meta.clientId }))) {
    deps.emit({ type: 'login_failed', method: 'sms', clientId: meta.clientId, ip: meta.ip })
    throw new UserRouterError('invalid_code')
  }
  let user = await deps.store.getUserByIdentifier('phone', phone)
  if (!user) {
    if (!input.createUser) throw new UserRouterError('user_not_found')
    user = await createPhoneUser(deps, phone, meta)
  }
  refuseSuspended(user)
  return signIn(deps, await claimWithPhone(deps, user, phone, meta), 'sms', meta)
}

/** A new account with a verified phone and no password; a concurrent registration of the phone wins. */
async function createPhoneUser(deps: ServiceDeps, phone: string, meta: RequestMeta): Promise<StoredUser> {
  try {
    const user = await deps.store.createUser({ phone, phoneVerified: true, createdAt: deps.now() })
    deps.emit({ type: 'registered', userId: user.id, method: 'sms', clientId: meta.clientId, ip: meta.ip })
    return user
  } catch (error) {
    // The code proves the phone, so the account that took it meanwhile is the caller's to sign into.
    const existing = isUserRouterError(error, 'phone_taken') ? await deps.store.getUserByIdentifier('phone', phone) : null
    if (!existing) throw error
    return existing
  }
}

/** What `POST /hserve/v2.1/sms-phone-verification/` carries. */
export interface PhoneVerification {
  /** Optional (the MinApp SDK sends the code only); when given, it must be the account's phone. */
  phone?: string
  code: string
}

/**
 * Verifies the phone of a signed-in user with a code sent to it. 400 naming `phone` when the
 * account has no phone or `phone` is another number; `invalid_code` for a wrong code.
 */
export async function verifyUserPhone(deps: ServiceDeps, userId: number, input: PhoneVerification, meta: RequestMeta): Promise<StoredUser> {
  const user = await deps.store.getUserById(userId)
  if (!user) throw new UserRouterError('user_not_found')
  if (user.phone === null) throw fieldError('invalid_request', 'phone', 'the account has no phone number; set one first')
  if (input.phone !== undefined && checkIdentifier('phone', input.phone) !== user.phone) {
    throw fieldError('invalid_request', 'phone', "is not the account's phone number")
  }
  if (!(await verifySmsCode(deps, { phone: user.phone, purpose: 'client', code: input.code, ip: meta.ip, clientId: meta.clientId }))) {
    throw new UserRouterError('invalid_code')
  }
  return markPhoneVerified(deps, user, user.phone, meta)
}

/**
 * Marks `phone` verified on the account. The phone is written together with the flag, so a change
 * of number racing with this never leaves an unproven number marked verified.
 */
export async function markPhoneVerified(deps: ServiceDeps, user: StoredUser, phone: string, meta: RequestMeta): Promise<StoredUser> {
  if (user.phoneVerified && user.phone === phone) return user
  const operations = [
    { kind: 'set', field: INTERNAL_FIELDS.phone, value: phone },
    { kind: 'set', field: INTERNAL_FIELDS.phoneVerified, value: true },
  ] as const
  const updated = await deps.store.updateUser(user.id, { operations, updatedAt: deps.now() })
  if (!updated) throw new UserRouterError('user_not_found')
  deps.emit({ type: 'phone_verified', userId: user.id, clientId: meta.clientId, ip: meta.ip })
  return updated
}
