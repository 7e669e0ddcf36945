/**
 * "The proof claims the account": whoever proves a phone or e-mail that was unverified on an
 * existing account, by signing in with it, becomes its only holder. Someone who registered the
 * address before its owner (with a password of their own) loses every session and token family,
 * the password set before the proof stops working, and the account's other contact (e-mail or
 * phone) goes too when it was unproven: it may be the squatter's own way back in.
 */
import { UserRouterError } from '../errors.js'
import { INTERNAL_FIELDS } from '../model/fields.js'
import type { StoredUser } from '../model/user.js'
import type { UpdateOperation } from '../query/update.js'
import type { RequestMeta, ServiceDeps } from './deps.js'

/**
 * The operations that drop the account's other contact when nobody proved it, for a claim through
 * `proven`: an unverified e-mail on a claim by phone, an unverified phone on a claim by e-mail.
 */
function dropUnprovenContact(user: StoredUser, proven: 'email' | 'phone'): UpdateOperation[] {
  if (proven === 'phone' && user.email !== null && !user.emailVerified) return [{ kind: 'set', field: INTERNAL_FIELDS.email, value: null }]
  if (proven === 'email' && user.phone !== null && !user.phoneVerified) return [{ kind: 'set', field: INTERNAL_FIELDS.phone, value: null }]
  return []
}

/** Emits `account_claimed` (never a secret): `method` is how the address was proven (`sms`, `email`). */
export function emitClaimed(deps: ServiceDeps, userId: number, method: 'sms' | 'email', meta: RequestMeta): void {
  deps.emit({ type: 'account_claimed', userId, method, clientId: meta.clientId, ip: meta.ip })
}

/**
 * The account of `phone` after its owner signed in with a code sent to it. An already verified
 * phone changes nothing. Otherwise one update marks the phone verified and clears the password
 * (and an unproven e-mail), then every session and token family ends (the caller starts the owner's own afterwards).
 */
export async function claimWithPhone(deps: ServiceDeps, user: StoredUser, phone: string, meta: RequestMeta): Promise<StoredUser> {
  if (user.phoneVerified && user.phone === phone) return user
  const operations: UpdateOperation[] = [
    // The phone is written with the flag, so a change of number racing with this never leaves an unproven number verified.
    { kind: 'set', field: INTERNAL_FIELDS.phone, value: phone },
    { kind: 'set', field: INTERNAL_FIELDS.phoneVerified, value: true },
    { kind: 'set', field: INTERNAL_FIELDS.passwordHash, value: null },
    ...dropUnprovenContact(user, 'phone'),
  ]
  const updated = await deps.store.updateUser(user.id, { operations, updatedAt: deps.now() })
  if (!updated) throw new UserRouterError('user_not_found')
  await deps.sessions.revokeUser(user.id)
  deps.emit({ type: 'phone_verified', userId: user.id, clientId: meta.clientId, ip: meta.ip })
  emitClaimed(deps, user.id, 'sms', meta)
  return updated
}

const VERIFIED_FLAG = { email: INTERNAL_FIELDS.emailVerified, phone: INTERNAL_FIELDS.phoneVerified } as const

/**
 * A password reset through a proof of `proven` (a reset code sent to the phone, a reset link sent
 * to the e-mail): one update sets the new password and marks the address verified, so no moment
 * has one without the other (and, when the address was unverified, drops the other unproven
 * contact: the reset claims the account); then every session and token family ends. False when
 * the user is gone. The caller emits the events.
 */
export async function resetWithProof(deps: ServiceDeps, user: StoredUser, proven: 'email' | 'phone', passwordHash: string): Promise<boolean> {
  const wasVerified = proven === 'email' ? user.emailVerified : user.phoneVerified
  const operations: UpdateOperation[] = [
    { kind: 'set', field: INTERNAL_FIELDS.passwordHash, value: passwordHash },
    { kind: 'set', field: VERIFIED_FLAG[proven], value: true },
    ...(wasVerified ? [] : dropUnprovenContact(user, proven)),
  ]
  if (!(await deps.store.updateUser(user.id, { operations, updatedAt: deps.now() }))) return false
  await deps.sessions.revokeUser(user.id)
  return true
}
