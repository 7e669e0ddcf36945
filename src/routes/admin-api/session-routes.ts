/** An operator's view of a user's signed-in sessions: the list, and ending one. */
import { UserRouterError } from '../../errors.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { getUser } from '../../services/users.js'
import { endSession, listSessions } from '../../services/user-sessions.js'
import { userIdParam } from '../minapp/user-id.js'
import { toWireSession } from '../minapp/wire.js'
import type { AdminApiContext } from './context.js'
import { docs } from './docs.js'

const SESSIONS_PATH = '/userve/v2.2/miniapp/user/sessions/:id'

export function mountSessionRoutes({ deps, requireAuth, api }: AdminApiContext): void {
  /** The user of the path's `:id`; 404 `user_not_found` when there is none. */
  const userOf = async (id: number): Promise<number> => {
    if (!(await getUser(deps, id))) throw new UserRouterError('user_not_found')
    return id
  }

  const listDoc = docs.route({
    summary: "A user's signed-in sessions, newest first (`current` is always false)",
    responses: docs.responses({ 200: { description: 'The sessions.', schema: 'UserSessionList' } }, [404]),
  })
  api.get(
    SESSIONS_PATH,
    listDoc,
    requireAuth,
    handler(async (req, res) => {
      const sessions = await listSessions(deps, await userOf(userIdParam(req)), null)
      res.json({ objects: sessions.map(toWireSession) })
    }),
  )

  const endDoc = docs.route({
    summary: "End one of a user's sessions: its token (or OAuth family's tokens) stop working",
    responses: docs.responses({ 204: { description: 'Ended.' } }, [404]),
  })
  api.delete(
    `${SESSIONS_PATH}/:session_id`,
    endDoc,
    requireAuth,
    handler(async (req, res) => {
      const userId = await userOf(userIdParam(req))
      await endSession(deps, userId, String(req.params.session_id), { method: 'admin', ip: requestMeta(req).ip })
      res.status(204).end()
    }),
  )
}
