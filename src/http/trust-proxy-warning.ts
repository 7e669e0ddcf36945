/**
 * A warning for apps that set `trust proxy` to true: Express then takes `req.ip` from the first
 * address of `X-Forwarded-For`, which any client writes itself, so every per-IP limit (sign-in
 * throttling, SMS codes) counts whatever address the client names and fails open. The router is
 * mounted after it is created, so it can only look at the app on a request; it warns once.
 */
import type { RequestHandler } from 'express'
import type { Logger } from '../options.js'

/** Warns through `logger.warn`, once for the router that mounts it, on its first request in such an app. */
export function warnWhenEveryProxyIsTrusted(logger: Logger): RequestHandler {
  let warned = false
  return (req, _res, next) => {
    // Only `true` trusts everyone: Express refuses a /0 subnet, and a custom function cannot be read.
    if (!warned && req.app.get('trust proxy') === true) {
      warned = true
      logger.warn(
        "express-user-router: the app sets 'trust proxy' to true: any client can pick its own IP " +
          'with X-Forwarded-For, so per-IP limits (sign-in throttling, SMS codes) do not hold. Set the number of proxies ' +
          "in front of the app (app.set('trust proxy', 1)) or their subnet (app.set('trust proxy', '10.0.0.0/8')) instead.",
      )
    }
    next()
  }
}
