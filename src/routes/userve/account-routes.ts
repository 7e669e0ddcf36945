/**
 * An operator's change of a user's login data (seed 004): username, e-mail, phone (null clears
 * one), and `new_password` without the old one, which ends every session of the user.
 */
import type { Router } from 'express'
import Joi from 'joi'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { validate } from '../../http/validate.js'
import { changeAccount } from '../../services/accounts.js'
import type { AdminApiContext } from './context.js'
import { userIdParam } from './user-routes.js'
import { toAccountInfo } from './wire.js'

const identifier = Joi.string().min(1).max(320).allow(null)
const accountSchema = Joi.object({ username: identifier, email: identifier, phone: identifier, new_password: Joi.string().min(1).max(1024) }).required()

export function mountAccountRoutes(router: Router, { deps, requireAdmin }: AdminApiContext): void {
  router.put('/userve/v2.2/miniapp/user/account/:id', requireAdmin, handler(async (req, res) => {
    const id = userIdParam(req)
    const body = validate(accountSchema, req.body) as { username?: string | null; email?: string | null; phone?: string | null; new_password?: string }
    const user = await changeAccount(
      deps,
      id,
      { username: body.username, email: body.email, phone: body.phone, newPassword: body.new_password },
      { verifyCurrentPassword: false, meta: requestMeta(req) },
    )
    res.json(toAccountInfo(user))
  }))
}
