/** The JSON body parser of the API families: request bodies are small; anything larger is refused with 413. */
import express, { type RequestHandler } from 'express'

export const BODY_LIMIT = '16kb'

export function jsonBody(): RequestHandler {
  return express.json({ limit: BODY_LIMIT })
}
