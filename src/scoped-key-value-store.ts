/**
 * An app's own `KeyValueStore` seen through the router's key prefix: every key the router uses
 * goes under it (after the store's own prefix, if any), so two apps handing the router stores on
 * one Redis with the same store prefix still keep apart.
 */
import type { KeyValueStore, SecretCheck } from './ports.js'

export class ScopedKeyValueStore implements KeyValueStore {
  constructor(
    /** The app's store; not closed by `close()`, which the app owns. */
    readonly inner: KeyValueStore,
    /** Put in front of every key given to `inner`. */
    readonly scope: string,
  ) {}

  get(key: string): Promise<string | null> {
    return this.inner.get(this.scope + key)
  }
  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.inner.set(this.scope + key, value, ttlSeconds)
  }
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return this.inner.setIfAbsent(this.scope + key, value, ttlSeconds)
  }
  getAndDelete(key: string): Promise<string | null> {
    return this.inner.getAndDelete(this.scope + key)
  }
  delete(keys: readonly string[]): Promise<number> {
    return this.inner.delete(keys.map((key) => this.scope + key))
  }
  increment(key: string, windowSeconds: number): Promise<number> {
    return this.inner.increment(this.scope + key, windowSeconds)
  }
  decrement(key: string): Promise<number> {
    return this.inner.decrement(this.scope + key)
  }
  ttl(key: string): Promise<number | null> {
    return this.inner.ttl(this.scope + key)
  }
  addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    return this.inner.addToSet(this.scope + key, member, ttlSeconds)
  }
  setMembers(key: string): Promise<string[]> {
    return this.inner.setMembers(this.scope + key)
  }
  removeFromSet(key: string, members: readonly string[]): Promise<void> {
    return this.inner.removeFromSet(this.scope + key, members)
  }
  putSecret(key: string, secret: string, ttlSeconds: number, owner?: string): Promise<void> {
    return this.inner.putSecret(this.scope + key, secret, ttlSeconds, owner)
  }
  consumeSecret(key: string, candidate: string, maxFailures: number, caller?: string): Promise<SecretCheck> {
    return this.inner.consumeSecret(this.scope + key, candidate, maxFailures, caller)
  }
  /** The app's store stays open: the app closes it. */
  async close(): Promise<void> {}
}
