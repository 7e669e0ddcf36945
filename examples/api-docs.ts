/**
 * The example app's API reference at `/docs`: Swagger UI (the `swagger-ui-dist` package, served
 * from node_modules, no CDN) rendering the router's own `/openapi.json`.
 */
import express, { Router } from 'express'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'

const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>express-user-router API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`

// In a file of its own, so the page works under a Content-Security-Policy without inline scripts.
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, withCredentials: true })\n`

/** `/docs` (the page) and its assets. The router serves the document at `/openapi.json`. */
export function createApiDocs(): Router {
  const router = Router()
  router.get(['/docs', '/docs/'], (_req, res) => void res.type('html').send(PAGE))
  router.get('/docs/init.js', (_req, res) => void res.type('application/javascript').send(INIT))
  router.use('/docs/assets', express.static(SWAGGER_UI, { index: false, maxAge: '1h' }))
  return router
}
