/**
 * The body parsers of the API families, with one size limit: request bodies are small; anything
 * larger is refused with 413.
 */
import express, { type RequestHandler } from 'express'

export const BODY_LIMIT = '16kb'

export function jsonBody(): RequestHandler {
  return express.json({ limit: BODY_LIMIT })
}

/** `application/x-www-form-urlencoded`, flat: a repeated field becomes an array, which validation refuses. */
export function formBody(): RequestHandler {
  return express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 50 })
}
