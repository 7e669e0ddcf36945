/**
 * An in-process `KeyValueStore`: the stand-in for Redis in development and tests, with the same
 * semantics (TTLs, atomic steps, sets that vanish when emptied, secrets compared in constant time). Each call runs synchronously, so
 * every call is atomic. Not shared between processes: one server process only.
 */
import { timingSafeEqual } from 'node:crypto'
import type { KeyValueStore, SecretCheck } from '../../src/ports.js'
import { checkMaxFailures as checkMaxFailuresOf, checkTtl as checkTtlOf } from '../../src/key-value-checks.js'

export interface MemoryKeyValueStoreOptions {
  /** The clock, in milliseconds (default `Date.now`); tests pass their own to move time. */
  now?: () => number
  /** Milliseconds between sweeps that drop expired entries nobody reads any more (default 60000). */
  sweepIntervalMs?: number
}

/** A secret of `putSecret`, with the wrong tries counted so far: its owner's, and everyone else's. */
interface StoredSecret {
  readonly secret: string
  /** Undefined: every caller counts as the owner. */
  readonly owner: string | undefined
  failures: number
  otherFailures: number
}

interface Entry {
  value: string | Set<string> | StoredSecret
  /** Milliseconds, on the store's clock; the entry is gone from this instant. */
  expiresAt: number
}

const checkTtl = (method: string, ttlSeconds: number) => checkTtlOf('MemoryKeyValueStore', method, ttlSeconds)
const checkMaxFailures = (maxFailures: number) => checkMaxFailuresOf('MemoryKeyValueStore', maxFailures)

/** Equal strings, compared in a time that depends on their length only. */
function sameSecret(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)]
  // Lengths are no secret: the secrets callers store (keyed hashes) all have the same length.
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The error Redis gives for a command on a key of the other type, so that misuse shows here too. */
function wrongType(key: string): Error {
  return new Error(`WRONGTYPE Operation against a key holding the wrong kind of value (${JSON.stringify(key)})`)
}

export class MemoryKeyValueStore implements KeyValueStore {
  private readonly entries = new Map<string, Entry>()
  private readonly now: () => number
  private readonly sweeper: NodeJS.Timeout

  constructor(options: MemoryKeyValueStoreOptions = {}) {
    this.now = options.now ?? Date.now
    // Expiry is checked on access; the sweep bounds memory for keys never read again. unref: the
    // timer never keeps the process alive.
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000).unref()
  }

  /** Entries held, expired ones not yet swept included (for tests and monitoring). */
  get size(): number {
    return this.entries.size
  }

  async get(key: string): Promise<string | null> {
    return this.text(key) ?? null
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    checkTtl('set', ttlSeconds)
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 })
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    checkTtl('setIfAbsent', ttlSeconds)
    if (this.live(key)) return false
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 })
    return true
  }

  async getAndDelete(key: string): Promise<string | null> {
    const value = this.text(key)
    if (value === undefined) return null
    this.entries.delete(key)
    return value
  }

  async delete(keys: readonly string[]): Promise<number> {
    let count = 0
    for (const key of keys) if (this.live(key) && this.entries.delete(key)) count++
    return count
  }

  async increment(key: string, windowSeconds: number): Promise<number> {
    checkTtl('increment', windowSeconds)
    const text = this.text(key)
    if (text === undefined) {
      this.entries.set(key, { value: '1', expiresAt: this.now() + windowSeconds * 1000 })
      return 1
    }
    const count = /^-?\d+$/.test(text) ? Number(text) + 1 : NaN
    if (!Number.isSafeInteger(count)) throw new Error('ERR value is not an integer or out of range')
    this.entries.get(key)!.value = String(count)
    return count
  }

  async decrement(key: string): Promise<number> {
    const text = this.text(key)
    if (text === undefined) return 0
    const count = /^-?\d+$/.test(text) ? Number(text) : NaN
    if (!Number.isSafeInteger(count)) throw new Error('ERR value is not an integer or out of range')
    // As in Redis: a counter given back to 0 is gone.
    if (count <= 1) {
      this.entries.delete(key)
      return 0
    }
    // Changed in place, so the window's expiry stays.
    this.entries.get(key)!.value = String(count - 1)
    return count - 1
  }

  async ttl(key: string): Promise<number | null> {
    const entry = this.live(key)
    // Rounded up, as RedisKeyValueStore does: a key that exists never reports 0 seconds.
    return entry ? Math.max(1, Math.ceil((entry.expiresAt - this.now()) / 1000)) : null
  }

  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    checkTtl('addToSet', ttlSeconds)
    const expiresAt = this.now() + ttlSeconds * 1000
    const entry = this.live(key)
    if (!entry) {
      this.entries.set(key, { value: new Set([member]), expiresAt })
      return
    }
    if (!(entry.value instanceof Set)) throw wrongType(key)
    entry.value.add(member)
    entry.expiresAt = Math.max(entry.expiresAt, expiresAt)
  }

  async setMembers(key: string): Promise<string[]> {
    return [...this.members(key)]
  }

  async removeFromSet(key: string, members: readonly string[]): Promise<void> {
    if (members.length === 0) return
    const set = this.members(key)
    for (const member of members) set.delete(member)
    // As in Redis, an emptied set no longer exists.
    if (set.size === 0) this.entries.delete(key)
  }

  async putSecret(key: string, secret: string, ttlSeconds: number, owner?: string): Promise<void> {
    checkTtl('putSecret', ttlSeconds)
    this.entries.set(key, { value: { secret, owner, failures: 0, otherFailures: 0 }, expiresAt: this.now() + ttlSeconds * 1000 })
  }

  async consumeSecret(key: string, candidate: string, maxFailures: number, caller?: string): Promise<SecretCheck> {
    checkMaxFailures(maxFailures)
    const entry = this.live(key)
    if (!entry) return 'absent'
    const stored = entry.value
    if (typeof stored === 'string' || stored instanceof Set) throw wrongType(key)
    const byOwner = stored.owner === undefined || caller === stored.owner
    if (!byOwner && stored.otherFailures >= maxFailures) return 'locked'
    if (sameSecret(stored.secret, candidate)) {
      this.entries.delete(key)
      return 'match'
    }
    // The entry is changed in place, so its expiry stays where putSecret set it.
    if (!byOwner) {
      stored.otherFailures++
      return 'mismatch'
    }
    stored.failures++
    if (stored.failures < maxFailures) return 'mismatch'
    this.entries.delete(key)
    return 'burnt'
  }

  /** Stops the sweep timer. */
  async close(): Promise<void> {
    clearInterval(this.sweeper)
  }

  /** The entry, or undefined when absent or expired (an expired one is dropped on the way). */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry
  }

  private text(key: string): string | undefined {
    const value = this.live(key)?.value
    if (value !== undefined && typeof value !== 'string') throw wrongType(key)
    return value
  }

  private members(key: string): Set<string> {
    const value = this.live(key)?.value
    if (value !== undefined && !(value instanceof Set)) throw wrongType(key)
    return value ?? new Set()
  }

  private sweep(): void {
    const now = this.now()
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key)
  }
}
