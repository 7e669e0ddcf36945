/**
 * The client API's own wire format; the user object and the account data are the MinApp ones it
 * shares with the admin API (`../minapp/wire.ts`). Field names are MinApp's on purpose.
 */
import type { UserSchema } from '../../model/schema.js'
import type { StoredUser } from '../../model/user.js'
import type { IssuedToken } from '../../services/sessions.js'
import type { UserExport } from '../../services/user-export.js'
import { toWireSession, toWireUser } from '../minapp/wire.js'

/** The answer of register and login: the user, `token` and `expires_in`. */
export function toSignedIn(user: StoredUser, schema: UserSchema, token: IssuedToken): Record<string, unknown> {
  return { ...toWireUser(user, schema, { full: true }), token: token.token, expires_in: token.expiresIn }
}

/**
 * The answer of a silent sign-in (`/hserve/v2.5/idp/:provider/silent-login/`): the MinApp SDK reads
 * the user from `user_info`, and `token`, `expires_in` beside it.
 */
export function toSilentSignedIn(user: StoredUser, schema: UserSchema, token: IssuedToken): Record<string, unknown> {
  return { user_id: user.id, token: token.token, expires_in: token.expiresIn, user_info: toWireUser(user, schema, { full: true }) }
}

/** The user's data export: the user as the owner sees it, the identities and the sessions. */
export function toUserExport(data: UserExport, schema: UserSchema): Record<string, unknown> {
  return {
    user: toWireUser(data.user, schema, { full: true }),
    identities: data.user.identities.map((identity) => ({
      provider: identity.provider,
      subject: identity.subject,
      unionid: identity.unionId,
      linked_at: identity.linkedAt,
    })),
    sessions: data.sessions.map(toWireSession),
    exported_at: data.exportedAt,
  }
}
