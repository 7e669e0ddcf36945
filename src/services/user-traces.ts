/**
 * Keys made for one user that nothing else lists (e-mail links, the keys of OAuth token families
 * besides the family itself, third-party sign-ins a signed-in user started): a per-user set names
 * them, so that deleting the account can delete them without scanning the store. The set lives as
 * long as the longest-lived key it names. Sessions and token families have their own index (see
 * `sessions.ts`).
 */
import type { KeyValueStore } from '../ports.js'

const tracesKey = (userId: number) => `user-traces:${userId}`

/** Lists `keys` (each living at most `ttlSeconds`) among what `eraseUserTraces` deletes. */
export async function traceUserKeys(kv: KeyValueStore, userId: number, keys: readonly string[], ttlSeconds: number): Promise<void> {
  await Promise.all(keys.map((key) => kv.addToSet(tracesKey(userId), key, ttlSeconds)))
}

/** Deletes every listed key of the user, and the list. */
export async function eraseUserTraces(kv: KeyValueStore, userId: number): Promise<void> {
  const keys = await kv.setMembers(tracesKey(userId))
  await kv.delete([...keys, tracesKey(userId)])
}
