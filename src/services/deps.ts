/**
 * What every service receives: stores, helpers and the clock, in one object. Services never see
 * `req` or `res`.
 */
import type { UserRouterEvent } from '../events.js'
import type { UserSchema } from '../model/schema.js'
import type { RouterConfig } from '../options.js'
import type { KeyValueStore, Mailer, SmsSender, UserStore } from '../ports.js'
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
  /** Sends SMS codes; undefined when no sender is configured (production without `sms`). */
  readonly sms: SmsSender | undefined
  /** Sends e-mail; undefined when no mailer is configured (production without `mailer`). */
  readonly mailer: Mailer | undefined
  /** Key of the keyed hashes of one-time codes. */
  readonly secret: Buffer
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
  /** Aborted when the client goes away before its answer: queued password hashes are then dropped. */
  readonly abandoned?: AbortSignal
}
