/**
 * The client API's own wire format; the user object and the account data are the MinApp ones it
 * shares with the admin API (`../minapp/wire.ts`). Field names are MinApp's on purpose.
 */
import type { UserSchema } from '../../model/schema.js'
import type { StoredUser } from '../../model/user.js'
import type { IssuedToken } from '../../services/sessions.js'
import { toWireUser } from '../minapp/wire.js'

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
