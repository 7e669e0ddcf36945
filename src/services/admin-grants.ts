/**
 * Server-side grants of admin cookie sessions. The cookie session lives in express-session's store,
 * out of the services' reach; each one names a grant kept in the key-value store, listed per
 * user, so that suspending a user ends its admin sessions at once, even those that make no request
 * while the suspension lasts (lifting it must not bring them back).
 */
import type { KeyValueStore } from '../ports.js'
import { newOpaqueToken } from './sessions.js'
import type { AdminServiceDeps } from './deps.js'

const grantKey = (id: string) => `admin-grant:${id}`
const userGrantsKey = (userId: number) => `admin-grants:${userId}`
/** Where the admin API's cookie session store keeps a session (after the router's key prefix). */
export const ADMIN_SESSION_KEYS = 'admin-session:'

/** A new grant of the user, living as long as an admin session may (`admin.sessionTtlSeconds`). */
export async function startAdminGrant(deps: AdminServiceDeps, userId: number): Promise<string> {
  const id = newOpaqueToken()
  const ttl = deps.admin.sessionTtlSeconds
  await Promise.all([deps.kv.set(grantKey(id), String(userId), ttl), deps.kv.addToSet(userGrantsKey(userId), grantKey(id), ttl)])
  return id
}

/** Whether the grant is live and the user's. */
export async function isAdminGrantLive(deps: AdminServiceDeps, id: string, userId: number): Promise<boolean> {
  return (await deps.kv.get(grantKey(id))) === String(userId)
}

export async function endAdminGrant(deps: AdminServiceDeps, id: string, userId: number): Promise<void> {
  await Promise.all([deps.kv.delete([grantKey(id)]), deps.kv.removeFromSet(userGrantsKey(userId), [grantKey(id)])])
}

/**
 * Lists the cookie session `sessionId` of the user with its grants, so that deleting the account
 * also deletes the session record, which names the user.
 */
export async function recordAdminSession(deps: AdminServiceDeps, userId: number, sessionId: string): Promise<void> {
  await deps.kv.addToSet(userGrantsKey(userId), ADMIN_SESSION_KEYS + sessionId, deps.admin.sessionTtlSeconds)
}

/**
 * Ends every admin session of the user by ending its grants; the session records stay until they
 * expire, so that a suspended operator's next request is told why it is refused.
 */
export async function endAdminGrants(deps: { readonly kv: KeyValueStore }, userId: number): Promise<void> {
  const grants = (await deps.kv.setMembers(userGrantsKey(userId))).filter((key) => !key.startsWith(ADMIN_SESSION_KEYS))
  if (grants.length === 0) return
  await deps.kv.delete(grants)
  await deps.kv.removeFromSet(userGrantsKey(userId), grants)
}

/** Deletes the user's admin grants, their session records and their list (a deleted account). */
export async function eraseAdminSessions(deps: { readonly kv: KeyValueStore }, userId: number): Promise<void> {
  const keys = await deps.kv.setMembers(userGrantsKey(userId))
  await deps.kv.delete([...keys, userGrantsKey(userId)])
}
