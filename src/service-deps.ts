/**
 * The services' dependencies, built from the checked options: each concern gets its own settings,
 * and an optional family's services get their family's settings only when it is configured.
 */
import { randomBytes } from 'node:crypto'
import type { UserSchema } from './model/schema.js'
import type { RouterConfig } from './options.js'
import type { KeyValueStore, Mailer, SmsSender } from './ports.js'
import type { AdminServiceDeps, OAuthServiceDeps, ServiceDeps } from './services/deps.js'
import { LoginThrottle } from './services/login-throttle.js'
import { PasswordHasher } from './services/passwords.js'
import { SessionService } from './services/sessions.js'

/** What the router chose for the config's adapters (stand-ins outside production). */
export interface ChosenAdapters {
  readonly kv: KeyValueStore
  readonly schema: UserSchema
  readonly sms: SmsSender | undefined
  readonly mailer: Mailer | undefined
}

export function createServiceDeps(config: RouterConfig, { kv, schema, sms, mailer }: ChosenAdapters): ServiceDeps {
  const now = () => Math.floor(config.now() / 1000)
  const { password, onEvent, logger } = config
  return {
    store: config.storage,
    kv,
    schema,
    sms,
    mailer,
    logger,
    passwordPolicy: { minLength: password.minLength, maxLength: password.maxLength, commonPasswords: password.commonPasswords, listedPasswords: password.listedPasswords },
    email: config.email,
    smsCodes: config.smsCodes,
    rateLimits: config.rateLimits,
    recentSignInSeconds: config.recentSignInSeconds,
    secret: config.secret ? Buffer.from(config.secret) : randomBytes(32),
    passwords: new PasswordHasher({ scrypt: password.scrypt, maxConcurrent: password.maxConcurrentHashes, maxQueued: password.maxQueuedHashes }),
    sessions: new SessionService(kv, { ttlSeconds: config.tokenTtlSeconds, maxPerUser: config.sessions.maxPerUser, now }),
    throttle: new LoginThrottle(kv, config.loginThrottle),
    now,
    emit: (event) => {
      if (!onEvent) return
      try {
        onEvent({ ...event, at: now() })
      } catch (error) {
        logger.error('express-user-router: onEvent threw', error)
      }
    },
  }
}

/** The phone API's services' dependencies, when `oauth` is configured. */
export function oauthServiceDeps(deps: ServiceDeps, config: RouterConfig): OAuthServiceDeps | undefined {
  return config.oauth && { ...deps, oauth: config.oauth }
}

/** The admin API's services' dependencies, when `admin` is configured. */
export function adminServiceDeps(deps: ServiceDeps, config: RouterConfig): AdminServiceDeps | undefined {
  return config.admin && { ...deps, admin: config.admin }
}
