/**
 * An operator's change of a user's login data: username, e-mail, phone (null clears
 * one), and `new_password` without the old one, which ends every session of the user.
 */
import Joi from 'joi'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { nullable, object, optional } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import { changeAccount } from '../../services/accounts.js'
import { userIdParam } from '../minapp/user-id.js'
import { toAccountInfo } from '../minapp/wire.js'
import type { AdminApiContext } from './context.js'
import { docs } from './docs.js'

const identifier = optional(nullable(Joi.string().min(1).max(320)))
const accountSchema = object({
  username: identifier,
  email: identifier,
  phone: identifier,
  new_password: optional(Joi.string().min(1).max(1024)),
  unlink_provider: optional(Joi.string().min(1).max(64).description("Unlink the user's third-party identities of this provider.")),
}).required()

export function mountAccountRoutes({ deps, requireAuth, api }: AdminApiContext): void {
  const doc = docs.route({
    summary: "Change a user's username, e-mail, phone (null clears) or password (no current one needed; ends the user's sessions), or unlink a third-party identity",
    body: accountSchema,
    responses: docs.responses({ 200: { description: 'The account data.', schema: 'AccountInfo' } }, [400, 404]),
  })
  api.put(
    '/userve/v2.2/miniapp/user/account/:id',
    doc,
    requireAuth,
    handler(async (req, res) => {
      const id = userIdParam(req)
      const body = validate(accountSchema, req.body)
      const user = await changeAccount(
        deps,
        id,
        { username: body.username, email: body.email, phone: body.phone, newPassword: body.new_password, unlinkProvider: body.unlink_provider },
        { verifyCurrentPassword: false, meta: requestMeta(req) },
      )
      res.json(toAccountInfo(user))
    }),
  )
}
