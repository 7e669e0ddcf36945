/** The account route of the client API: username, e-mail, phone and password changes. */
import Joi from 'joi'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { nullable, object, optional } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import { changeAccount } from '../../services/accounts.js'
import { toAccountInfo } from '../minapp/wire.js'
import type { ClientApiContext } from './context.js'
import { docs } from './docs.js'

const identifier = optional(nullable(Joi.string().min(1).max(320)))
const accountSchema = object({
  username: identifier,
  email: identifier,
  phone: identifier,
  password: optional(Joi.string().min(1).max(1024)),
  new_password: optional(Joi.string().min(1).max(1024)),
  unlink_provider: optional(Joi.string().min(1).max(64).description('Unlink the third-party identities of this provider (`oauth-oidc`, `wechat`, ...).')),
}).required()

export function mountAccountRoutes({ deps, requireAuth, api }: ClientApiContext): void {
  const doc = docs.route({
    summary:
      'Change username, e-mail, phone (null clears) or password, or unlink a third-party identity; a new password needs the current `password` when the account has one, and so does a new e-mail or phone or an unlink unless the sign-in of the token is at most `recentSignInSeconds` old',
    auth: 'token',
    body: accountSchema,
    responses: docs.responses({ 200: { description: 'The account data.', schema: 'AccountInfo' } }, [400, 403, 429]),
  })
  for (const version of ['v2.0', 'v2.1', 'v2.2']) {
    api.put(
      `/hserve/${version}/user/account`,
      doc,
      requireAuth,
      handler(async (req, res) => {
        const body = validate(accountSchema, req.body)
        const session = sessionOf(res)
        const user = await changeAccount(
          deps,
          session.userId,
          { username: body.username, email: body.email, phone: body.phone, password: body.password, newPassword: body.new_password, unlinkProvider: body.unlink_provider },
          { keepSession: session, recentSignIn: session, verifyCurrentPassword: true, meta: requestMeta(req) },
        )
        res.json(toAccountInfo(user))
      }),
    )
  }
}
