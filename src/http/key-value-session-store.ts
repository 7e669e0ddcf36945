/**
 * An express-session store on the router's `KeyValueStore`, for when the router has no raw ioredis
 * client for connect-redis: the in-process stand-in (outside production) or an app's own
 * `KeyValueStore`. Sessions expire with their cookie, through the key-value store's TTL.
 */
import session from 'express-session'
import type { KeyValueStore } from '../ports.js'

type Callback = (error?: unknown, value?: session.SessionData | null) => void

export class KeyValueSessionStore extends session.Store {
  constructor(
    private readonly kv: KeyValueStore,
    /** Put before each session id (after the key-value store's own prefix). */
    private readonly prefix: string,
    /** Seconds a session without a cookie expiry lives. */
    private readonly defaultTtlSeconds: number,
  ) {
    super()
  }

  override get(sid: string, callback: Callback): void {
    this.kv.get(this.prefix + sid).then((value) => callback(null, value === null ? null : (JSON.parse(value) as session.SessionData)), callback)
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    // express-session dates the cookie by the real clock, so its TTL is measured on that clock too;
    // the session's lifetime itself is checked on the router's (`currentAdmin`).
    const expires = data.cookie?.expires ? new Date(data.cookie.expires).getTime() : null
    const ttl = expires === null ? this.defaultTtlSeconds : Math.ceil((expires - Date.now()) / 1000)
    const done = callback ?? (() => {})
    if (ttl < 1) {
      this.destroy(sid, done)
      return
    }
    this.kv.set(this.prefix + sid, JSON.stringify(data), ttl).then(() => done(), done)
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    this.set(sid, data, callback)
  }

  override destroy(sid: string, callback?: Callback): void {
    const done = callback ?? (() => {})
    this.kv.delete([this.prefix + sid]).then(() => done(), done)
  }
}
