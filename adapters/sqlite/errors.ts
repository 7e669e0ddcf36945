/**
 * Turns better-sqlite3 failures into `UserRouterError`s. The driver's message never becomes a
 * public message: it stays in `cause`, for logs.
 */
import { UserRouterError } from '../../src/errors.js'

type TakenCode = 'username_taken' | 'email_taken' | 'phone_taken' | 'identity_taken'

/**
 * Which conflict each unique index reports, by the column SQLite names in its message (only the
 * identities' unique index has a `subject` column).
 */
const TAKEN_BY_COLUMN: Record<string, TakenCode> = {
  username_key: 'username_taken',
  email_key: 'email_taken',
  phone: 'phone_taken',
  subject: 'identity_taken',
}

/** Result codes (and their extended codes) that mean "try again later" rather than a bug. */
const UNAVAILABLE = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL']

/** The error to throw for a failure of the driver (or the error itself, if already ours). */
export function toStoreError(error: unknown): UserRouterError {
  if (error instanceof UserRouterError) return error
  const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : ''
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
    const taken = takenCode((error as Error).message)
    if (taken) return new UserRouterError(taken, { cause: error })
  }
  // Another connection held the write lock beyond the busy timeout, or the file cannot be used now.
  if (UNAVAILABLE.some((prefix) => code.startsWith(prefix))) {
    return new UserRouterError('unavailable', { cause: error })
  }
  return new UserRouterError('internal', { cause: error })
}

/** "UNIQUE constraint failed: users.email_key" names `table.column` of the index that refused. */
function takenCode(message: string): TakenCode | null {
  const columns = /UNIQUE constraint failed: (.*)$/.exec(message)?.[1]?.split(', ') ?? []
  for (const qualified of columns) {
    const code = TAKEN_BY_COLUMN[qualified.slice(qualified.lastIndexOf('.') + 1)]
    if (code) return code
  }
  return null
}
