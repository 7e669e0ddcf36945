/**
 * What every service receives: stores, helpers, the clock and the settings of each concern, in one
 * object; the services of an optional family get their family's settings on top, and only when
 * that family is configured. Services never see `req` or `res`, nor the router's whole config.
 */
import type { UserRouterEvent } from '../events.js'
import type { UserSchema } from '../model/schema.js'
import type { AdminConfig, EmailConfig, IdentityConfig, Logger, OAuthConfig, RateLimitsConfig, SmsCodesConfig } from '../options.js'
import type { KeyValueStore, Mailer, SmsSender, UserStore, WechatMiniProgram } from '../ports.js'
import type { PasswordPolicy } from './credentials.js'
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
  /** Where warnings and unexpected errors go. */
  readonly logger: Logger
  /** What a new password must be. */
  readonly passwordPolicy: PasswordPolicy
  /** E-mail links, their lifetimes and cooldown, the messages. */
  readonly email: EmailConfig
  /** SMS code lifetimes, cooldowns, caps and the allowed calling codes. */
  readonly smsCodes: SmsCodesConfig
  /** Hourly limits of costly actions. */
  readonly rateLimits: RateLimitsConfig
  /** Seconds after a sign-in during which its token may change the e-mail or phone without the password. */
  readonly recentSignInSeconds: number
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

/** What the phone API's services (login codes, OAuth clients and tokens) receive: the `oauth` settings too. */
export interface OAuthServiceDeps extends ServiceDeps {
  readonly oauth: OAuthConfig
}

/** What the admin API's services receive: the `admin` settings too. */
export interface AdminServiceDeps extends ServiceDeps {
  readonly admin: AdminConfig
}

/** What third-party sign-in's services receive: the `identityProviders` settings too. */
export interface IdentityServiceDeps extends ServiceDeps {
  readonly identity: IdentityConfig
}

/** What the WeChat mini program's services receive: its server API too. */
export interface WechatServiceDeps extends ServiceDeps {
  readonly wechat: WechatMiniProgram
}

/** Who is asking, as the services need it for sessions and audit events. */
export interface RequestMeta {
  readonly clientId: string
  readonly ip: string
  readonly userAgent: string
  /** Aborted when the client goes away before its answer: queued password hashes are then dropped. */
  readonly abandoned?: AbortSignal
}
