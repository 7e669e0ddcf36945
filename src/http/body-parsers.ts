/**
 * The body parsers of the API families, with one size limit: request bodies are small; anything
 * larger is refused with 413.
 */
import express, { type RequestHandler } from 'express'
import { UserRouterError } from '../errors.js'

export const BODY_LIMIT = '16kb'
/** BODY_LIMIT in bytes. */
const BODY_LIMIT_BYTES = 16 * 1024

/**
 * Refuses a body declared over the limit before any of it is read. The body parsers would refuse
 * it too, but only after reading the whole body off the connection: a client declaring gigabytes
 * would hold the connection until it sent them. `Connection: close` lets the server hang up right
 * after the answer instead of draining the unread body.
 */
function refusingDeclaredOversizedBody(parse: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const declared = Number(req.get('content-length'))
    if (!(declared > BODY_LIMIT_BYTES)) return parse(req, res, next)
    res.set('Connection', 'close')
    next(new UserRouterError('payload_too_large'))
  }
}

export function jsonBody(): RequestHandler {
  return refusingDeclaredOversizedBody(express.json({ limit: BODY_LIMIT }))
}

/** `application/x-www-form-urlencoded`, flat: a repeated field becomes an array, which validation refuses. */
export function formBody(): RequestHandler {
  return refusingDeclaredOversizedBody(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 50 }))
}
