/**
 * The phone API's accounts: SMS codes of three purposes (type 1 register, 2 login,
 * 3 reset), registration and sign-in by code, each answering an `oauth_login_code` for the token
 * endpoint, setting a name and password, and resetting the password by code.
 */
import { UserRouterError, fieldError } from '../errors.js'
import { claimWithPhone, emitClaimed, resetWithProof } from './account-claims.js'
import { changeAccount } from './accounts.js'
import { checkIdentifier, checkPassword } from './credentials.js'
import type { OAuthServiceDeps, RequestMeta, ServiceDeps } from './deps.js'
import { issueLoginCode } from './login-codes.js'
import type { Session } from './sessions.js'
import { countAction } from './rate-limits.js'
import { refuseSuspended } from './sign-in-guard.js'
import { assertSmsRegion, sendSmsCode, verifySmsCode, type SmsPurpose } from './sms-codes.js'

/** The code purposes of the phone API's `type` parameter. */
export const PURPOSE_BY_TYPE = { 1: 'register', 2: 'login', 3: 'reset' } as const satisfies Record<number, SmsPurpose>
export type ValidationCodeType = keyof typeof PURPOSE_BY_TYPE

const NO_SUCH_PHONE = 'No account has this phone number.'

/**
 * Sends a code of the type's purpose. The phone API's rules: a register code only to a phone without an
 * account (`phone_taken`), login and reset codes only to a phone with one (`user_not_found`).
 */
export async function sendValidationCode(deps: ServiceDeps, input: { phone: string; type: ValidationCodeType }, meta: RequestMeta): Promise<void> {
  const phone = checkIdentifier('phone', input.phone)
  // Before the lookup: a refused country is refused whether or not the phone has an account.
  assertSmsRegion(deps, phone)
  const user = await deps.store.getUserByIdentifier('phone', phone)
  if (input.type === 1 && user) throw new UserRouterError('phone_taken')
  if (input.type !== 1 && !user) throw new UserRouterError('user_not_found', { message: NO_SUCH_PHONE })
  await sendSmsCode(deps, { phone, purpose: PURPOSE_BY_TYPE[input.type], ip: meta.ip, clientId: meta.clientId, ...(user ? { userId: user.id } : {}) })
}

/** Checks (and uses up) a code of `purpose`; `invalid_code` when it is wrong, used or expired. */
async function proveCode(deps: ServiceDeps, phone: string, purpose: SmsPurpose, code: string, meta: RequestMeta): Promise<void> {
  if (!(await verifySmsCode(deps, { phone, purpose, code, ip: meta.ip, clientId: meta.clientId }))) {
    deps.emit({ type: 'login_failed', method: 'sms', clientId: meta.clientId, ip: meta.ip })
    throw new UserRouterError('invalid_code')
  }
}

/**
 * Creates an account with the phone proven by a register code (verified, no password yet) and
 * answers its login code. A phone registered meanwhile is `phone_taken` (the code is spent); past
 * the registrations of the IP, `rate_limited` before the code is looked at.
 */
export async function registerWithCode(deps: OAuthServiceDeps, input: { phone: string; code: string }, meta: RequestMeta): Promise<string> {
  const phone = checkIdentifier('phone', input.phone)
  await countAction(deps, 'registrationsPerIpPerHour', meta.ip, meta)
  await proveCode(deps, phone, 'register', input.code, meta)
  const user = await deps.store.createUser({ phone, phoneVerified: true, createdAt: deps.now() })
  deps.emit({ type: 'registered', userId: user.id, method: 'sms', clientId: meta.clientId, ip: meta.ip })
  return issueLoginCode(deps, user.id)
}

/**
 * Answers a login code for the account of the phone proven by a login code; `user_not_found` when
 * none. An account whose phone was unverified is claimed (`claimWithPhone`).
 */
export async function loginWithCode(deps: OAuthServiceDeps, input: { phone: string; code: string }, meta: RequestMeta): Promise<string> {
  const phone = checkIdentifier('phone', input.phone)
  await proveCode(deps, phone, 'login', input.code, meta)
  const user = await deps.store.getUserByIdentifier('phone', phone)
  if (!user) throw new UserRouterError('user_not_found', { message: NO_SUCH_PHONE })
  // The code is spent, but no login code is handed out: the token endpoint would refuse it.
  refuseSuspended(user)
  await claimWithPhone(deps, user, phone, meta)
  return issueLoginCode(deps, user.id)
}

/** A new password and its confirmation, as the phone API's update and reset routes take them. */
export interface NewPassword {
  password: string
  confirmation: string
}

function checkNewPassword(deps: ServiceDeps, input: NewPassword, identifiers: string[] = []): void {
  checkPassword(input.password, deps.passwordPolicy, 'password', identifiers)
  if (input.confirmation !== input.password) throw fieldError('invalid_request', 'password_confirmation', 'must equal password')
}

/**
 * Sets the signed-in user's username and password. An account without a password (a phone
 * sign-up) sets its first one freely; replacing an existing one needs it (`current_password`),
 * checked under the login throttle like the client API's. Every other session of the user ends.
 */
export async function setNameAndPassword(deps: ServiceDeps, session: Session, input: NewPassword & { name: string; currentPassword?: string }, meta: RequestMeta): Promise<void> {
  checkIdentifier('username', input.name, 'name')
  checkNewPassword(deps, input, [input.name])
  await changeAccount(
    deps,
    session.userId,
    { username: input.name, newPassword: input.password, ...(input.currentPassword === undefined ? {} : { password: input.currentPassword }) },
    { keepSession: session, recentSignIn: session, verifyCurrentPassword: true, currentPasswordField: 'current_password', meta },
  )
}

/**
 * Sets a new password for the account of the phone proven by a reset code, verifies the phone and
 * ends every session and token family of the user (the claim of an account whose phone was
 * unverified, in the same update). The policy is checked before the code is used up.
 */
export async function resetWithCode(deps: ServiceDeps, input: NewPassword & { phone: string; code: string }, meta: RequestMeta): Promise<void> {
  const phone = checkIdentifier('phone', input.phone)
  checkNewPassword(deps, input)
  await proveCode(deps, phone, 'reset', input.code, meta)
  const user = await deps.store.getUserByIdentifier('phone', phone)
  if (!user) throw new UserRouterError('user_not_found', { message: NO_SUCH_PHONE })
  const passwordHash = await deps.passwords.hash(input.password)
  if (!(await resetWithProof(deps, user, 'phone', passwordHash))) throw new UserRouterError('user_not_found', { message: NO_SUCH_PHONE })
  deps.emit({ type: 'password_reset', userId: user.id, clientId: meta.clientId, ip: meta.ip })
  if (!user.phoneVerified) emitClaimed(deps, user.id, 'sms', meta)
}
