/**
 * Marks an answer as personal: no browser or proxy cache may keep it (RFC 9111 `no-store`). The
 * auth guards set it, so every answer to a signed-in user or admin carries it, and only the
 * router's own routes do.
 */
import type { Response } from 'express'

export function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store')
}
