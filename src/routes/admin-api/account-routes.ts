/**
 * An operator's change of a user's login data: username, e-mail, phone (null clears
 * one), `new_password` without the old one, which ends every session of the user, and
 * `suspended`, which also does (see `setSuspended`); and the deletion of a user's account.
 */
import Joi from 'joi'
import { deleteAccountAsOperator } from '../../services/account-deletion.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { nullable, object, optional } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import { changeAccount } from '../../services/accounts.js'
import { checkSuspensionAllowed, setSuspended } from '../../services/suspension.js'
import { userIdParam } from '../minapp/user-id.js'
import { toAccountInfo } from '../minapp/wire.js'
import { adminOf, type AdminApiContext } from './context.js'
import { docs } from './docs.js'

const identifier = optional(nullable(Joi.string().min(1).max(320)))
const accountSchema = object({
  username: identifier,
  email: identifier,
  phone: identifier,
  new_password: optional(Joi.string().min(1).max(1024)),
  unlink_provider: optional(Joi.string().min(1).max(64).description("Unlink the user's third-party identities of this provider.")),
  suspended: optional(
    Joi.boolean()
      .strict()
      .description('true suspends the user (no sign-in on any API; every session and token ends; not your own account); false lifts it (ended sessions stay ended).'),
  ),
}).required()

export function mountAccountRoutes({ deps, requireAuth, api }: AdminApiContext): void {
  const doc = docs.route({
    summary:
      "Change a user's username, e-mail, phone (null clears) or password (no current one needed; ends the user's sessions), unlink a third-party identity, or suspend or resume the user",
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
      const meta = requestMeta(req)
      const operatorId = adminOf(res).id
      // Before any change: a refused suspension leaves the other fields untouched too.
      if (body.suspended !== undefined) checkSuspensionAllowed(operatorId, id, body.suspended)
      let user = await changeAccount(
        deps,
        id,
        { username: body.username, email: body.email, phone: body.phone, newPassword: body.new_password, unlinkProvider: body.unlink_provider },
        { verifyCurrentPassword: false, meta },
      )
      if (body.suspended !== undefined) user = await setSuspended(deps, operatorId, id, body.suspended, meta)
      res.json(toAccountInfo(user))
    }),
  )
}

/** DELETE of a user's account, answering 204 (not the operator's own: see `deleteAccountAsOperator`). */
export function mountAccountDeletionRoute({ deps, requireAuth, api }: AdminApiContext): void {
  const doc = docs.route({
    summary: "Delete a user's account for good: the user, its identities, sessions, tokens and pending codes (not the operator's own account)",
    responses: docs.responses({ 204: { description: 'Deleted.' } }, [400, 404]),
  })
  api.delete(
    '/userve/v2.2/miniapp/user/account/:id',
    doc,
    requireAuth,
    handler(async (req, res) => {
      await deleteAccountAsOperator(deps, adminOf(res).id, userIdParam(req), requestMeta(req))
      res.status(204).end()
    }),
  )
}
