/** The parts of a request that services record: client id, IP and user agent. */
import type { Request } from 'express'
import type { RequestMeta } from '../services/deps.js'

export const CLIENT_ID_HEADER = 'x-hydrogen-client-id'

export function requestMeta(req: Request): RequestMeta {
  return {
    clientId: req.get(CLIENT_ID_HEADER) ?? '',
    ip: req.ip ?? req.socket.remoteAddress ?? '',
    userAgent: (req.get('user-agent') ?? '').slice(0, 256),
    abandoned: abandonedSignal(req),
  }
}

/** Aborts when the response closes unfinished: the client disconnected (or timed out) first. */
function abandonedSignal(req: Request): AbortSignal {
  const controller = new AbortController()
  const res = req.res
  res?.once('close', () => {
    if (!res.writableFinished) controller.abort()
  })
  return controller.signal
}
