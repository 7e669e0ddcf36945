/**
 * The main entry: what an app uses. The factory and its options, the error type, events, the
 * OpenAPI document, password hashing, and the port types a custom store, mailer or SMS sender
 * implements (with every type their signatures name). Helpers for writing a storage adapter are on
 * `express-user-router/kit`; the conformance suites on `express-user-router/testing`.
 */
export { createUserRouter, type UserRouter } from './create-user-router.js'
export type { UserRouterOptions, Logger, AdminOptions, AdminCandidate, RedisLikeClient, IdentityProvidersOptions } from './options.js'
export {
  UserRouterError,
  ERROR_CODES,
  isUserRouterError,
  type ErrorCode,
  type ErrorKind,
  type FieldProblem,
  type UserRouterErrorOptions,
} from './errors.js'
export type { UserRouterEvent, UserRouterEventType, EventSink } from './events.js'
export { openApiDocument } from './openapi/serve.js'
export type { OpenApiOptions } from './openapi/document.js'
export { hashPassword, type ScryptParameters } from './services/passwords.js'
export type {
  EmailTemplate,
  EmailTemplateInput,
  EmailContent,
  EmailTemplates,
  EmailLanguage,
  ChangeNoticeTemplate,
  ChangeNoticeTemplateInput,
  ChangedContact,
} from './services/email-messages.js'
export type {
  UserStore,
  UserPage,
  KeyValueStore,
  SecretCheck,
  SmsMessage,
  SmsSender,
  Mailer,
  MailMessage,
  ProviderProfile,
  AuthorizationRequest,
  RedirectIdentityProvider,
  WechatMiniProgram,
  WechatMiniProgramSession,
  WechatPhoneNumber,
} from './ports.js'
export type { StoredUser, NewUser, Identity, NewIdentity, IdentifierKind, JsonValue, JsonObject } from './model/user.js'
export type { FieldDef, FieldType, ArrayItemType, ProfileFieldOption, ProfileFieldsOption, UserColumn } from './model/fields.js'
export type { Scalar } from './model/values.js'
export type { IndexOptions, IndexableType } from './model/indexed-fields.js'
export type { Filter, Condition, CompareOperator, SortKey, UserQuery } from './query/filter.js'
export type { UpdateOperation, UserChanges } from './query/update.js'
export type { SafeRegex } from './query/regex/index.js'
