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
export function dropUnprovenContact(user: StoredUser, proven: 'email' | 'phone'): UpdateOperation[] {
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
