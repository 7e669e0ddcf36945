/**
 * The admin API's cookie sessions: express-session, stored in Redis through connect-redis when the
 * router has an ioredis client (given, or made from a URL), and otherwise in the router's
 * `KeyValueStore` (the in-process stand-in outside production, or an app's own store).
 *
 * The cookie is httpOnly and SameSite=Lax, Secure when the request is (`secure: 'auto'`: behind a
 * TLS proxy, set Express's `trust proxy`), and lives `sessionTtlSeconds` from sign-in.
 */
import { RedisStore } from 'connect-redis'
import type { RequestHandler } from 'express'
import session from 'express-session'
import { RedisKeyValueStore } from '../../../adapters/redis/redis-key-value-store.js'
import { UserRouterError, isUserRouterError } from '../../errors.js'
import { KeyValueSessionStore } from '../../http/key-value-session-store.js'
import { ScopedKeyValueStore } from '../../scoped-key-value-store.js'
import type { RouterConfig } from '../../options.js'
import type { KeyValueStore } from '../../ports.js'
import type { AdminSessionData } from '../../services/admin-auth.js'

declare module 'express-session' {
  interface SessionData {
    /** Set at admin sign-in only. */
    admin?: AdminSessionData
  }
}

/** Key of a session, after the router's key prefix. */
const SESSION_KEYS = 'admin-session:'

function sessionStore(kv: KeyValueStore, ttlSeconds: number): session.Store {
  // connect-redis talks to an ioredis client itself; the KeyValueStore port has no such client to
  // give unless it is the Redis adapter, whose client and prefix are then shared.
  if (kv instanceof RedisKeyValueStore) return new RedisStore({ client: kv.client, prefix: kv.keyPrefix + SESSION_KEYS, ttl: ttlSeconds })
  // An app's Redis store seen through the router's prefix: the same keys, through connect-redis.
  if (kv instanceof ScopedKeyValueStore && kv.inner instanceof RedisKeyValueStore) {
    return new RedisStore({ client: kv.inner.client, prefix: kv.inner.keyPrefix + kv.scope + SESSION_KEYS, ttl: ttlSeconds })
  }
  return new KeyValueSessionStore(kv, SESSION_KEYS, ttlSeconds)
}

export interface AdminSessionOptions {
  kv: KeyValueStore
  admin: NonNullable<RouterConfig['admin']>
  /** Signing secrets, the first signing. */
  secrets: string[]
}

/** The session middleware; a store failure becomes `unavailable` (503) instead of a 500. */
export function adminSession({ kv, admin, secrets }: AdminSessionOptions): RequestHandler {
  const middleware = session({
    name: admin.cookieName,
    secret: secrets,
    store: sessionStore(kv, admin.sessionTtlSeconds),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: admin.sessionTtlSeconds * 1000 },
  })
  return (req, res, next) => {
    middleware(req, res, (error?: unknown) => next(error === undefined ? undefined : asUnavailable(error)))
  }
}

export function asUnavailable(error: unknown): UserRouterError {
  return isUserRouterError(error) ? error : new UserRouterError('unavailable', { cause: error })
}

/** Promisified `req.session` calls (express-session takes callbacks). */
export function sessionCall(run: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(asUnavailable(error)) : resolve())))
}
