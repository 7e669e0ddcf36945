/**
 * Server-side grants of admin cookie sessions. The cookie session lives in express-session's store,
 * out of the services' reach; each one names a grant kept in the key-value store, listed per
 * user, so that suspending a user ends its admin sessions at once, even those that make no request
 * while the suspension lasts (lifting it must not bring them back).
 */
import { newOpaqueToken } from './sessions.js'
import type { AdminServiceDeps } from './deps.js'

const grantKey = (id: string) => `admin-grant:${id}`
const userGrantsKey = (userId: number) => `admin-grants:${userId}`

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

/** Ends every admin session of the user. */
export async function endAdminGrants(deps: AdminServiceDeps, userId: number): Promise<void> {
  const keys = await deps.kv.setMembers(userGrantsKey(userId))
  if (keys.length === 0) return
  await deps.kv.delete(keys)
  await deps.kv.removeFromSet(userGrantsKey(userId), keys)
}
