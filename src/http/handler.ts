/**
 * Express 4 does not catch rejected promises: every async handler goes through `handler`, the one
 * place that forwards a rejection to the error middleware.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'

export function handler(run: (req: Request, res: Response, next: NextFunction) => Promise<unknown>): RequestHandler {
  return (req, res, next) => {
    run(req, res, next).catch(next)
  }
}
