/**
 * The example app's third-party sign-in comes from its environment: none by default; OIDC_ISSUER,
 * OIDC_CLIENT_ID and OIDC_CLIENT_SECRET serve an OpenID Connect provider as `oauth-oidc` (a real one
 * here, oidc-provider on loopback), whose sign-ins may return to the app's own origin or to those of
 * IDP_ALLOWED_ORIGINS. The compiled example, run after a build; the flows in a browser are in
 * test/browser/third-party-sign-in.test.ts.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startOidcIssuer, type OidcIssuer } from '../helpers/oidc-issuer.js'
import { startWechatApiStandIn } from '../helpers/wechat-api-stand-in.js'
import { freePort, startExampleApp } from '../browser/example-app.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_SCRIPT = join(ROOT, 'dist/examples/server.js')

/** Starts the example with `env`, answers `check(url)`, and stops it. */
async function withExample<T>(env: NodeJS.ProcessEnv, check: (url: string) => Promise<T>): Promise<T> {
  const app = await startExampleApp(SERVER_SCRIPT, env)
  try {
    return await check(app.url)
  } finally {
    await app.stop()
  }
}

/** What the app answers the first step of a sign-in: a JSON body, or a page. */
interface Answer {
  status: number
  body: { redirect_url?: string; error_msg?: string } | string
}

/** What the app answers the SDK's first step of a sign-in returning to `callbackUrl`. */
async function startSignIn(url: string, callbackUrl: string): Promise<Answer> {
  const response = await fetch(`${url}/hserve/v2.0/idp/oauth-oidc/redirect/`, {
    method: 'POST',
    headers: { 'X-Hydrogen-Client-ID': 'demo', 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ callback_url: callbackUrl }),
  })
  const json = response.headers.get('content-type')?.startsWith('application/json')
  return { status: response.status, body: json ? ((await response.json()) as Answer['body']) : await response.text() }
}

const providersOf = async (url: string) => (await (await fetch(`${url}/identity-providers.json`)).json()) as { providers: string[] }

describe('the example app’s third-party sign-in', { timeout: 90_000 }, () => {
  let issuer: OidcIssuer
  let port: number
  let oidcEnv: NodeJS.ProcessEnv

  before(async () => {
    port = await freePort()
    issuer = await startOidcIssuer({ redirectUris: [`http://127.0.0.1:${port}/hserve/v2.0/idp/oauth-oidc/callback/`] })
    oidcEnv = { PORT: String(port), OIDC_ISSUER: issuer.issuer, OIDC_CLIENT_ID: issuer.clientId, OIDC_CLIENT_SECRET: issuer.clientSecret }
  })

  after(async () => {
    await issuer?.stop()
  })

  it('is off without configuration: no provider on the page, no sign-in routes', async () => {
    await withExample({}, async (url) => {
      assert.deepEqual(await providersOf(url), { providers: [] })
      assert.equal((await startSignIn(url, `${url}/auth.html`)).status, 404)
    })
  })

  it('with OIDC_* serves the provider as oauth-oidc; a sign-in may return to the app’s own origin only', async () => {
    await withExample(oidcEnv, async (url) => {
      assert.deepEqual(await providersOf(url), { providers: ['oauth-oidc'] })
      const own = await startSignIn(url, `${url}/auth.html?provider=oauth-oidc`)
      assert.equal(own.status, 200, JSON.stringify(own.body))
      assert.ok(typeof own.body === 'object' && own.body.redirect_url)
      const authorization = new URL(own.body.redirect_url)
      assert.equal(authorization.origin, issuer.issuer)
      assert.equal(authorization.searchParams.get('redirect_uri'), `${url}/hserve/v2.0/idp/oauth-oidc/callback/`)
      const foreign = await startSignIn(url, 'http://localhost:5173/auth.html')
      assert.equal(foreign.status, 400)
      assert.match(typeof foreign.body === 'object' ? (foreign.body.error_msg ?? '') : foreign.body, /callback_url/)
    })
  })

  it('IDP_ALLOWED_ORIGINS replaces the allowed origins', async () => {
    await withExample({ ...oidcEnv, IDP_ALLOWED_ORIGINS: 'http://localhost:5173, http://127.0.0.1:5174' }, async (url) => {
      assert.equal((await startSignIn(url, 'http://localhost:5173/auth.html')).status, 200)
      assert.equal((await startSignIn(url, 'http://127.0.0.1:5174/auth.html')).status, 200)
      assert.equal((await startSignIn(url, `${url}/auth.html`)).status, 400)
    })
  })

  it('with WECHAT_APP_ID and WECHAT_APP_SECRET serves the mini-program sign-in against WECHAT_API_BASE', async () => {
    const wechat = await startWechatApiStandIn()
    try {
      const env = { PORT: String(port), WECHAT_APP_ID: wechat.appId, WECHAT_APP_SECRET: wechat.appSecret, WECHAT_API_BASE: wechat.apiBase }
      await withExample(env, async (url) => {
        const { code } = wechat.loginCode({ openId: 'o-example-1' })
        const res = await fetch(`${url}/hserve/v2.5/idp/wechat/silent-login/`, {
          method: 'POST',
          headers: { 'X-Hydrogen-Client-ID': 'demo', 'Content-Type': 'application/json' },
          body: JSON.stringify({ code, create_user: true }),
        })
        const body = (await res.json()) as { user_info?: { id?: number }; openid?: string }
        assert.equal(res.status, 201, JSON.stringify(body))
        assert.equal(body.openid, 'o-example-1')
        assert.ok(body.user_info?.id)
        assert.equal(wechat.requests.jscode2session, 1)
      })
    } finally {
      await wechat.close()
    }
  })

  it('refuses to start with part of the OIDC_* settings, or a plain http:// issuer off loopback', () => {
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [...process.execArgv, SERVER_SCRIPT], {
        env: { ...process.env, PORT: '0', NODE_ENV: 'development', ...env },
        encoding: 'utf8',
        timeout: 30_000,
      })
    const partial = run({ OIDC_ISSUER: issuer.issuer })
    assert.notEqual(partial.status, 0)
    assert.match(partial.stderr, /OIDC_CLIENT_ID, OIDC_CLIENT_SECRET must be set too/)
    const insecure = run({ ...oidcEnv, PORT: '0', OIDC_ISSUER: 'http://accounts.example.com' })
    assert.notEqual(insecure.status, 0)
    assert.match(insecure.stderr, /OidcProvider: options\.issuer must be an https:\/\/ URL/)
  })
})
