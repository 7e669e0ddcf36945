/** The admin API's guard: a live cookie session of a user `admin.authorize` accepts now. Its answers are `no-store`. */
import type { RequestHandler } from 'express'
import { UserRouterError, isUserRouterError } from '../../errors.js'
import { handler } from '../../http/handler.js'
import { noStore } from '../../http/no-store.js'
import { currentAdmin } from '../../services/admin-auth.js'
import type { AdminServiceDeps } from '../../services/deps.js'
import { sessionCall } from './session.js'

export function requireAdmin(deps: AdminServiceDeps): RequestHandler {
  return handler(async (req, res, next) => {
    const data = req.session?.admin
    if (!data) throw new UserRouterError('unauthenticated', { message: 'Sign in as an administrator first.' })
    try {
      res.locals.admin = await currentAdmin(deps, data)
    } catch (error) {
      // A session whose user is gone, changed password or was suspended is over for good.
      if (isUserRouterError(error, 'unauthenticated') || isUserRouterError(error, 'account_suspended')) await sessionCall((done) => req.session.destroy(done))
      throw error
    }
    noStore(res)
    next()
  })
}
