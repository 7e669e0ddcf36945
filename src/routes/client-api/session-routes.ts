/**
 * The signed-in user's sessions (every device signed in: client API tokens and phone API OAuth
 * token families) and the data export.
 */
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { exportUser } from '../../services/user-export.js'
import { endOtherSessions, endSession, listSessions } from '../../services/user-sessions.js'
import { toWireSession } from '../minapp/wire.js'
import type { ClientApiContext } from './context.js'
import { docs } from './docs.js'
import { toUserExport } from './wire.js'

const SESSIONS_PATH = '/hserve/v2.0/user/sessions'

export function mountSessionRoutes({ deps, requireAuth, api }: ClientApiContext): void {
  const listDoc = docs.route({
    summary: "The user's signed-in sessions, newest first; `current` marks the one of the request's token",
    auth: 'token',
    responses: docs.responses({ 200: { description: 'The sessions.', schema: 'UserSessionList' } }),
  })
  api.get(
    SESSIONS_PATH,
    listDoc,
    requireAuth,
    handler(async (_req, res) => {
      const session = sessionOf(res)
      const sessions = await listSessions(deps, session.userId, session)
      res.json({ objects: sessions.map(toWireSession) })
    }),
  )

  const endDoc = docs.route({
    summary: "End one of the user's sessions by its id: its token (or OAuth family's tokens) stop working",
    auth: 'token',
    responses: docs.responses({ 204: { description: 'Ended.' } }, [404]),
  })
  api.delete(
    `${SESSIONS_PATH}/:id`,
    endDoc,
    requireAuth,
    handler(async (req, res) => {
      await endSession(deps, sessionOf(res).userId, String(req.params.id), { method: 'self', ip: requestMeta(req).ip })
      res.status(204).end()
    }),
  )

  const othersDoc = docs.route({
    summary: "End every session of the user but the request's own (and, for an OAuth access token, its family)",
    auth: 'token',
    responses: docs.responses({ 201: { description: 'Ended.', schema: 'StatusOk' } }),
  })
  api.post(
    `${SESSIONS_PATH}/destroy-others`,
    othersDoc,
    requireAuth,
    handler(async (_req, res) => {
      await endOtherSessions(deps, sessionOf(res))
      res.status(201).json({ status: 'ok' })
    }),
  )

  const exportDoc = docs.route({
    summary: 'Everything the router stores about the user, as a JSON file to download (no password hash, no token)',
    auth: 'token',
    responses: docs.responses({ 200: { description: 'The export (`Content-Disposition: attachment`).', schema: 'UserExport' } }),
  })
  api.get(
    '/hserve/v2.0/user/export',
    exportDoc,
    requireAuth,
    handler(async (_req, res) => {
      const data = await exportUser(deps, sessionOf(res))
      // Written out: Express's `attachment()` leaves the name unquoted, and its form differs between Express 4 and 5.
      res.set('Content-Disposition', `attachment; filename="user-${data.user.id}.json"`).json(toUserExport(data, deps.schema))
    }),
  )
}
