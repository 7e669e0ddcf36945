/**
 * What every service receives: stores, helpers and the clock, in one object. Services never see
 * `req` or `res`.
 */
import type { UserRouterEvent } from '../events.js'
import type { UserSchema } from '../model/schema.js'
import type { RouterConfig } from '../options.js'
import type { KeyValueStore, UserStore } from '../ports.js'
import type { LoginThrottle } from './login-throttle.js'
import type { PasswordHasher } from './passwords.js'
import type { SessionService } from './sessions.js'

export interface ServiceDeps {
  readonly store: UserStore
  readonly kv: KeyValueStore
  readonly schema: UserSchema
  readonly passwords: PasswordHasher
  readonly sessions: SessionService
  readonly throttle: LoginThrottle
  readonly config: RouterConfig
  /** Unix seconds. */
  now(): number
  /** Sends an audit event to `onEvent` (never throws). */
  emit(event: Omit<UserRouterEvent, 'at'>): void
}

/** Who is asking, as the services need it for sessions and audit events. */
export interface RequestMeta {
  readonly clientId: string
  readonly ip: string
  readonly userAgent: string
}
