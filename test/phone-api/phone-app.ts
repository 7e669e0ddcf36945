/**
 * A test app with the phone API and OAuth endpoints on (one OAuth client, or the ones given), an
 * SMS outbox and an event log, plus the phone API's steps as helpers.
 */
import assert from 'node:assert/strict'
import { normalizePhone } from '../../src/model/identifiers.js'
import type { UserRouterOptions } from '../../src/options.js'
import type { Backend } from '../helpers/test-app.js'
import { createSmsTestApp, type SmsTestApp } from '../helpers/sms-app.js'

export const OAUTH_CLIENT = { id: 'mobile-app', secret: 'mobile-app-secret' }
export const OTHER_CLIENT = { id: 'other-app', secret: 'other-app-secret' }

export interface PhoneTestApp extends SmsTestApp {
  /** Asks for a code of `type` (asserting `{"result":1}`) and answers it. */
  codeFor(phone: string, type: 1 | 2 | 3): Promise<string>
  /** Registers `phone` by code (type 1) and answers the oauth_login_code. */
  registerPhone(phone: string): Promise<string>
  /** `POST /oauth/token`, form-encoded, authenticating `client` with HTTP Basic. */
  token(params: Record<string, string>, client?: { id: string; secret: string }): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }>
  /** Signs the registered `phone` in by code (type 2) and answers a new oauth_login_code. */
  loginCodeFor(phone: string): Promise<string>
  /** The password grant, asserting 200: the token response. */
  passwordGrant(username: string, password: string): Promise<Record<string, unknown>>
}

export function basic(client: { id: string; secret: string }): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`
}

export async function createPhoneTestApp(backend: Backend, label: string, options: Partial<UserRouterOptions> = {}): Promise<PhoneTestApp> {
  const t = await createSmsTestApp(backend, label, {
    oauth: { clients: [OAUTH_CLIENT, OTHER_CLIENT] },
    // The phone API's flows send several codes to one phone in a row.
    smsCodes: { cooldownSeconds: 1 },
    ...options,
  })
  const { outbox } = t
  const lastSend = new Map<string, number>()
  const codeFor = async (phone: string, type: 1 | 2 | 3) => {
    const normalized = normalizePhone(phone)!
    // One code per phone per cooldown second: wait it out rather than fail.
    const wait = (lastSend.get(normalized) ?? 0) + 1100 - Date.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const res = await t.request.get('/api/v1/users/validation_code').query({ phone, type })
    lastSend.set(normalized, Date.now())
    assert.deepEqual([res.status, res.body], [200, { result: 1 }], JSON.stringify(res.body))
    return outbox.lastCode(normalized)
  }
  const token: PhoneTestApp['token'] = async (params, client = OAUTH_CLIENT) => {
    const res = await t.request.post('/oauth/token').set('Authorization', basic(client)).type('form').send(params)
    return { status: res.status, body: res.body as Record<string, unknown>, headers: res.headers as Record<string, string> }
  }
  return Object.assign(t, {
    codeFor,
    token,
    async registerPhone(phone: string) {
      const res = await t.request.post('/api/v1/users/register').send({ phone, validation_code: await codeFor(phone, 1) })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.equal(res.body.result, 1)
      return res.body.oauth_login_code as string
    },
    async loginCodeFor(phone: string) {
      const res = await t.request.post('/api/v1/users/login').send({ phone, validation_code: await codeFor(phone, 2) })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      return res.body.oauth_login_code as string
    },
    async passwordGrant(username: string, password: string) {
      const res = await token({ grant_type: 'password', username, password })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      return res.body
    },
  })
}

/** Asserts a phone API failure: status, `result: 0`, a reason, the `code`, and (optionally) a field named in `details`. */
export function assertFailure(res: { status: number; body: unknown }, status: number, code: string, field?: string): void {
  const body = res.body as { result?: unknown; error?: unknown; code?: unknown; details?: { field: string }[] }
  assert.equal(res.status, status, JSON.stringify(body))
  assert.equal(body.result, 0, JSON.stringify(body))
  assert.equal(typeof body.error, 'string')
  assert.ok((body.error as string).length > 0)
  assert.equal(body.code, code, JSON.stringify(body))
  if (field !== undefined)
    assert.ok(
      body.details?.some((d) => d.field === field),
      `expected details naming ${field}: ${JSON.stringify(body)}`,
    )
}

/** Asserts an RFC 6749 section 5.2 error. */
export function assertOAuthError(res: { status: number; body: unknown; headers: Record<string, string> }, status: number, error: string): void {
  const body = res.body as { error?: unknown; error_description?: unknown }
  assert.equal(res.status, status, JSON.stringify(body))
  assert.equal(body.error, error, JSON.stringify(body))
  assert.equal(typeof body.error_description, 'string')
  assert.match(res.headers['cache-control'] ?? '', /no-store/)
}
