/** The `:id` of the MinApp user routes. */
import type { Request } from 'express'
import { UserRouterError } from '../../errors.js'

const USER_ID = /^[1-9]\d{0,15}$/

/** The `:id` of a route; a malformed one is an unknown user (404). */
export function userIdParam(req: Request): number {
  const id = String(req.params.id)
  if (!USER_ID.test(id)) throw new UserRouterError('user_not_found')
  return Number(id)
}
