/** What the regex-work tests of the memory and SQLite stores share: the stores, and the costliest pattern. */
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import type { UserStore } from '../../src/ports.js'

/**
 * One of the costliest patterns the syntax accepts: close to the state ceiling, every state live on
 * every character of a nickname, and never matching (no nickname holds '#'), so the matcher reads
 * each nickname to its end.
 */
export const WORST_PATTERN = '(?:[^#]{0,99}){10}#'

/** The stores that run their regex work on the event loop, each fresh and ready. */
export const EVENT_LOOP_STORES: [string, () => Promise<UserStore>][] = [
  ['memory', async () => new MemoryUserStore()],
  [
    'SQLite',
    async () => {
      const store = new SqliteUserStore()
      await store.migrate()
      return store
    },
  ],
]
