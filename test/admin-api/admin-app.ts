/**
 * A test app with the admin API on: `authorize` accepts the usernames in `admins` (changeable
 * during a test), and `signInAdmin` registers a user through the client API, makes it an admin
 * and signs it in, answering the session cookie to send back (`Cookie: <name>=<value>`).
 */
import assert from 'node:assert/strict'
import type { UserRouterOptions } from '../../src/options.js'
import { createTestApp, PASSWORD, type Backend, type TestApp } from '../helpers/test-app.js'

/** Every admin route but sign-in and sign-out, with a body that would change something. */
export const ADMIN_ROUTES = [
  ['get', '/userve/v1/user-profile/'],
  ['get', '/userve/v2.2/miniapp/user_profile/'],
  ['get', '/userve/v2.2/miniapp/user_profile/1/'],
  ['put', '/userve/v2.6/miniapp/user_profile/1/', { nickname: 'hacked' }],
  ['put', '/userve/v2.6/miniapp/user_profile/', { nickname: 'hacked' }],
  ['put', '/userve/v2.2/miniapp/user/account/1/', { username: 'hacked' }],
  ['get', '/userve/v2.2/miniapp/user/sessions/1/'],
  ['delete', '/userve/v2.2/miniapp/user/sessions/1/AAAAAAAAAAAAAAAAAAAAAA/'],
  ['delete', '/userve/v2.2/miniapp/user/account/1/'],
] as const

export const COOKIE_NAME = 'eur.admin'
export const SESSION_SECRET = 'a test secret of at least 32 characters'

export interface AdminTestApp extends TestApp {
  /** Usernames, e-mails and phones `authorize` accepts. */
  readonly admins: Set<string>
  /** Registers `username` (client API), makes it an admin, signs in; answers the `Cookie` header value. */
  signInAdmin(username?: string): Promise<string>
  /** POST /userve/v1/login/ with a JSON body. */
  adminLogin(body: Record<string, unknown>): ReturnType<TestApp['request']['post']>
}

export async function createAdminApp(backend: Backend, label: string, options: Partial<UserRouterOptions> = {}): Promise<AdminTestApp> {
  const admins = new Set<string>()
  const t = await createTestApp({
    backend,
    label,
    options: {
      profileFields: { score: 'integer', tags: { type: 'array', items: 'string' } },
      sessionSecret: SESSION_SECRET,
      ...options,
      admin: { authorize: (user) => [user.username, user.email, user.phone].some((name) => name !== null && admins.has(name)), ...options.admin },
    },
  })
  const adminLogin = (body: Record<string, unknown>) => t.request.post('/userve/v1/login/').send(body)
  return Object.assign(t, {
    admins,
    adminLogin,
    async signInAdmin(username = 'root') {
      await t.signUp('username', username)
      admins.add(username)
      const res = await adminLogin({ username, password: PASSWORD })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      return sessionCookie(res)
    },
  })
}

/** `name=value` of the admin session cookie set by a response (asserting there is one). */
export function sessionCookie(res: { headers: Record<string, unknown> }): string {
  const cookie = setCookies(res).find((c) => c.startsWith(`${COOKIE_NAME}=`))
  assert.ok(cookie, `no ${COOKIE_NAME} cookie in ${JSON.stringify(res.headers['set-cookie'])}`)
  return cookie.split(';')[0]!
}

/** Every Set-Cookie line of a response. */
export function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const raw = res.headers['set-cookie']
  return raw === undefined ? [] : Array.isArray(raw) ? (raw as string[]) : [String(raw)]
}
