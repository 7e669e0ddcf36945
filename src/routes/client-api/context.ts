/** What every MinApp client API (`/hserve`) route module receives. */
import type { CorsConfig } from '../../http/cors.js'
import type { IdentityConfig, Logger } from '../../options.js'
import type { WechatMiniProgram } from '../../ports.js'
import type { EmailLanguage } from '../../services/email-messages.js'
import type { FamilyContext } from '../family.js'

/** The client API's part of the options. */
export interface ClientApiSettings {
  /** Accepted `X-Hydrogen-Client-ID` values. */
  readonly clients: ReadonlySet<string>
  readonly cors: CorsConfig | undefined
  /** Whether `POST /hserve/v2.0/login/anonymous/` is served. */
  readonly anonymousLogin: boolean
  /** Where the router is reached from outside, for the links in e-mails and the providers' callbacks; undefined: the request's own address. */
  readonly publicUrl: string | undefined
  /** The language of the pages behind the e-mail links. */
  readonly emailLanguage: EmailLanguage
  /** The password length bounds, for the reset form's hints. */
  readonly passwordLength: { readonly min: number; readonly max: number }
  /** The third-party sign-in providers and allowed callback origins; undefined: those routes are not served. */
  readonly identity: IdentityConfig | undefined
  /** The WeChat mini program's server API; undefined: the mini program's routes are not served. */
  readonly wechatMiniProgram: WechatMiniProgram | undefined
  readonly logger: Logger
}

/** `requireAuth`: 401 unless the request carries a live token; then `sessionOf(res)` is its session. */
export type ClientApiContext = FamilyContext<ClientApiSettings>
