/**
 * The example's demo page at `/` and admin page at `/admin.html`: plain HTML, JS and CSS from
 * `examples/public/`, and the official MinApp web SDK (the demo page's) served from node_modules at
 * `/vendor/minapp-sdk.js` (no CDN, no build step). `/identity-providers.json` tells the demo page
 * which third-party sign-ins to offer.
 */
import express, { Router } from 'express'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The page's files live in the source tree; this module runs from dist/examples/. */
const PUBLIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/public')
const SDK_FILE = createRequire(import.meta.url).resolve('minapp-sdk/lib/web.js')

export interface DemoPageOptions {
  /** The names of the router's identity providers (`oauth-oidc`): a sign-in button each. */
  identityProviders?: string[]
}

export function createDemoPage({ identityProviders = [] }: DemoPageOptions = {}): Router {
  const router = Router()
  router.get('/vendor/minapp-sdk.js', (_req, res) => res.sendFile(SDK_FILE))
  router.get('/identity-providers.json', (_req, res) => res.set('Cache-Control', 'no-store').json({ providers: identityProviders }))
  router.use(express.static(PUBLIC_DIR))
  return router
}
