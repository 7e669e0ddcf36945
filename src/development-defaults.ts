/**
 * What the router does for a missing adapter, decided once at creation from `config.production`
 * and said out loud: each development default it applies, and in production each family of routes
 * it leaves off, is one `logger.warn` of this router (never silenced by another router's).
 */
import { ConsoleMailer, ConsoleSmsSender } from '../adapters/console/index.js'
import type { RouterConfig } from './options.js'
import type { Mailer, SmsSender } from './ports.js'

const SMS_ROUTES =
  "the SMS routes are not served (the client API's SMS code, SMS login and phone verification; " + "with oauth, the phone API's validation_code and its register and login by code)"
const EMAIL_ROUTES = "the e-mail routes are not served (the client API's e-mail verification and password reset)"

export interface Adapters {
  sms: SmsSender | undefined
  mailer: Mailer | undefined
}

/** The configured SMS sender and mailer, the console ones outside production, or none. */
export function adaptersWithDefaults(config: RouterConfig): Adapters {
  const warn = (message: string) => config.logger.warn(`express-user-router: ${message}`)
  let { sms, mailer } = config
  if (!sms && config.production) warn(`no options.sms given in production: ${SMS_ROUTES}.`)
  if (!sms && !config.production) {
    warn('no options.sms given: SMS codes are printed to the console (ConsoleSmsSender), not sent. In production, without options.sms, the SMS routes are not served.')
    sms = new ConsoleSmsSender()
  }
  if (!mailer && config.production) warn(`no options.mailer given in production: ${EMAIL_ROUTES}.`)
  if (!mailer && !config.production) {
    warn('no options.mailer given: e-mails are printed to the console (ConsoleMailer), not sent. In production, without options.mailer, the e-mail routes are not served.')
    mailer = new ConsoleMailer()
  }
  if (mailer && !config.publicUrl && !config.production) {
    warn("no options.publicUrl given: links in e-mails are built from each request's own Host header, which the client chooses. Set publicUrl in production.")
  }
  return { sms, mailer }
}

/** The warning for the in-process stand-in of Redis (outside production only). */
export function warnAboutStandIn(config: RouterConfig): void {
  config.logger.warn(
    'express-user-router: no options.redis given: sessions, codes and rate limits live in this process only ' +
      '(lost on restart, not shared between processes). Pass an ioredis client or a redis:// URL in production.',
  )
}
