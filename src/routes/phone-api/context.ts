/** What every phone API route module receives: those of `/api/v1/users` and those of `/oauth`. */
import type { CorsConfig } from '../../http/cors.js'
import type { Logger } from '../../options.js'
import type { OAuthServiceDeps } from '../../services/deps.js'
import type { FamilyContext } from '../family.js'

/** The phone API's part of the options; the family is mounted only when `oauth` is given. */
export interface PhoneApiSettings {
  readonly cors: CorsConfig | undefined
  readonly logger: Logger
}

/**
 * `requireAuth`: 401 unless the request carries a live bearer token; then `sessionOf(res)` is its
 * session. The OAuth endpoints authenticate the OAuth client themselves, from the body they parse.
 */
export type PhoneApiContext = FamilyContext<PhoneApiSettings, OAuthServiceDeps>
