/**
 * The router's Redis key prefix, part of option parsing (`options.ts`): keys of apps on different
 * users never meet in one Redis, even with default options.
 */
import { createHash } from 'node:crypto'
import type { UserStore } from './ports.js'

/**
 * The given `keyPrefix`, or one derived from where the users live: the same for every router on
 * those users (other processes, restarts), different for routers on other users.
 */
export function routerKeyPrefix(given: string | undefined, storage: UserStore, redis: unknown): string {
  if (given !== undefined) return given
  if (typeof storage.namespace === 'function') {
    const namespace = storage.namespace()
    if (typeof namespace !== 'string' || namespace === '') throw new TypeError('createUserRouter: options.storage.namespace() must return a non-empty string')
    return `eur:${createHash('sha256').update(namespace).digest('hex').slice(0, 16)}:`
  }
  // The in-process stand-in belongs to this router alone: nothing to keep apart.
  if (redis === undefined) return 'eur:'
  throw new TypeError(
    'createUserRouter: options.keyPrefix is required when options.redis is given and options.storage has no namespace(): ' +
      'pass a prefix naming this app\'s users (e.g. keyPrefix: "shop-users:"), the same in every process of the app, ' +
      "so that apps sharing the Redis never accept each other's tokens; or implement UserStore.namespace()",
  )
}
