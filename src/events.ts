/**
 * Audit events given to the `onEvent` option. They never carry a password, token, code or link.
 */
export type UserRouterEventType =
  | 'registered'
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'password_changed'
  | 'account_changed'
  | 'rate_limited'
  | 'password_reset'
  | 'email_verification_sent'
  | 'email_verified'
  | 'password_reset_requested'
  | 'phone_verified'
  | 'sms_sent'
  | 'sms_circuit_open'
  | 'token_revoked'
  | 'refresh_token_reused'
  /** An unverified phone or e-mail was proven by signing in with it: earlier sessions ended, an earlier password was cleared. */
  | 'account_claimed'
  /** A third-party identity was unlinked from the account (`method`: the provider). */
  | 'identity_unlinked'
  /** A third-party account (`method`: the provider's name) was linked to the signed-in user. */
  | 'identity_linked'
  /** One session ended by its user (`method` `self`) or an operator (`admin`); `clientId` is the session's. */
  | 'session_ended'
  /** The account was deleted (`method`: `self` by its user, `admin` by an operator); the app removes its own data of the user. */
  | 'account_deleted'
  /** An operator suspended the account: every session and token family of the user ended. */
  | 'account_suspended'
  /** An operator lifted the suspension: the user may sign in again (ended sessions stay ended). */
  | 'account_resumed'

export interface UserRouterEvent {
  type: UserRouterEventType
  /** Unix seconds. */
  at: number
  /** The user concerned, when known. */
  userId?: number
  /** How the user signed in or registered (`username`, `email`, `phone`, `sms`, `anonymous`, `oauth`, `oauth_login_code`, or the identity provider's name), what was limited (`sms`, `email`, `register`, `anonymous`, `refresh_token`, or the sign-in method), how an account was claimed (`sms`, `email`), or who deleted it (`self`, `admin`). */
  method?: string
  /** The X-Hydrogen-Client-ID of the request, or the OAuth client's id. */
  clientId?: string
  ip?: string
}

export type EventSink = (event: UserRouterEvent) => void
