/**
 * Password hashing with scrypt (scrypt-kdf), always asynchronous: hashes run on libuv's worker
 * threads, never on the event loop. The number of hashes in flight is bounded; past a queue limit
 * callers get `busy` (503 with Retry-After) instead of waiting without end, so a login storm cannot
 * starve everything else that needs those threads.
 */
import * as scryptModule from 'scrypt-kdf'
import { UserRouterError } from '../errors.js'

// scrypt-kdf 4 types its functions as named exports, but the module exports one default object.
const Scrypt = (scryptModule as unknown as { default: typeof scryptModule }).default

export interface ScryptParameters {
  /** log2 of the CPU/memory cost N (15 means N = 32768, about 32 MiB per hash). */
  logN: number
  /** Block size. */
  r: number
  /** Parallelism. */
  p: number
}

export interface PasswordHasherConfig {
  scrypt: ScryptParameters
  /** Hashes computed at once (by default one per core, leaving a thread of libuv's pool to the rest of the app). */
  maxConcurrent: number
  /** Hashes waiting for a slot before new ones are refused with `busy`. */
  maxQueued: number
}

export interface PasswordCheck {
  /** Whether the password matches. */
  ok: boolean
  /** A matching hash made with weaker parameters than configured: store a new one. */
  needsRehash: boolean
}

/**
 * A password hash in the stored format (scrypt-kdf, base64), for seeding users straight into a
 * store (an app's first admin, say). Default parameters: logN 15, r 8, p 1, the router's defaults.
 * The password's NFKC form is hashed, so that every spelling of it (full-width letters, composed
 * or decomposed accents) signs in.
 */
export async function hashPassword(password: string, scrypt: ScryptParameters = { logN: 15, r: 8, p: 1 }): Promise<string> {
  return Buffer.from(await Scrypt.kdf(password.normalize('NFKC'), scrypt)).toString('base64')
}

interface Waiter {
  start(): void
  drop(error: Error): void
}

export class PasswordHasher {
  private running = 0
  private readonly waiting: Waiter[] = []
  private dummyHash: Promise<string> | undefined
  private runs = 0

  /** scrypt runs started so far (hashes and verifications): the work passwords cost. */
  get computed(): number {
    return this.runs
  }

  constructor(private readonly config: PasswordHasherConfig) {}

  /**
   * A new hash (base64) of the password's NFKC form with the configured parameters. `abandoned` (the client went away) takes a
   * hash still waiting for a slot out of the queue (it rejects with `busy`): nobody would read it.
   */
  async hash(password: string, abandoned?: AbortSignal): Promise<string> {
    return this.limited(() => hashPassword(password, this.config.scrypt), abandoned)
  }

  /**
   * Checks a password against a stored hash: its NFKC form, then (when it differs) the raw form,
   * which hashes made before passwords were normalised hold; such a match asks for a rehash. So a
   * wrong password costs two verifications only when its raw form is not in NFKC form. Without a
   * hash (unknown user, SMS-only account) it checks against a dummy hash, so that the answer takes
   * the same time and is always false.
   */
  async check(storedHash: string | null, password: string, abandoned?: AbortSignal): Promise<PasswordCheck> {
    const normal = password.normalize('NFKC')
    const spellings = normal === password ? [normal] : [normal, password]
    if (storedHash === null) {
      this.dummyHash ??= this.hash('not a password: timing equaliser')
      for (const spelling of spellings) {
        await this.limited(async () => Scrypt.verify(Buffer.from(await this.dummyHash!, 'base64'), spelling), abandoned)
      }
      return { ok: false, needsRehash: false }
    }
    let key: Buffer
    let params: { logN: number; r: number; p: number }
    try {
      key = Buffer.from(storedHash, 'base64')
      params = Scrypt.viewParams(key)
    } catch {
      return { ok: false, needsRehash: false }
    }
    const wanted = this.config.scrypt
    const weaker = params.logN < wanted.logN || params.r < wanted.r || params.p < wanted.p
    for (const [i, spelling] of spellings.entries()) {
      if (await this.limited(() => Scrypt.verify(key, spelling), abandoned)) return { ok: true, needsRehash: weaker || i > 0 }
    }
    return { ok: false, needsRehash: false }
  }

  private async limited<T>(work: () => Promise<T>, abandoned?: AbortSignal): Promise<T> {
    if (this.running >= this.config.maxConcurrent) {
      if (this.waiting.length >= this.config.maxQueued || abandoned?.aborted) throw new UserRouterError('busy', { retryAfter: 1 })
      await new Promise<void>((resolve, reject) => {
        const onAbandoned = () => waiter.drop(new UserRouterError('busy', { retryAfter: 1 }))
        const waiter: Waiter = {
          start: () => {
            abandoned?.removeEventListener('abort', onAbandoned)
            resolve()
          },
          drop: (error) => {
            // Under a storm, clients time out while queued: their hashes would be work for no one.
            this.waiting.splice(this.waiting.indexOf(waiter), 1)
            reject(error)
          },
        }
        abandoned?.addEventListener('abort', onAbandoned, { once: true })
        this.waiting.push(waiter)
      })
    } else {
      this.running++
    }
    try {
      this.runs++
      return await work()
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift()
      if (next) next.start()
      else this.running--
    }
  }
}
