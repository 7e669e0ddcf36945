/**
 * A test app for deleting accounts: the phone API, an SMS outbox, a recording mailer, anonymous
 * sign-in and an event log; and checks that a deleted user is gone from the store (and, on
 * PostgreSQL, from its tables, read directly).
 */
import assert from 'node:assert/strict'
import type { UserRouterOptions } from '../../src/options.js'
import { RecordingMailer } from '../helpers/recording-mailer.js'
import { CLIENT, type Backend } from '../helpers/test-app.js'
import { createPhoneTestApp, type PhoneTestApp } from '../phone-api/phone-app.js'

export const DESTROY = '/hserve/v2.0/user/account/destroy/'

export interface DeletionTestApp extends PhoneTestApp {
  readonly mailer: RecordingMailer
  /** POST .../destroy/ with the token and `body`. */
  destroy(token: string, body?: Record<string, unknown>): ReturnType<PhoneTestApp['request']['post']>
  /** Signs `phone` in by a client API SMS code (creating the account, its phone verified): id and token. */
  smsSignUp(phone: string): Promise<{ id: number; token: string }>
  /** Asserts that the user is gone: from the store, and from the PostgreSQL tables (read directly). */
  assertGone(id: number): Promise<void>
}

export async function createDeletionApp(backend: Backend, options: Partial<UserRouterOptions> = {}): Promise<DeletionTestApp> {
  const mailer = new RecordingMailer()
  const t = await createPhoneTestApp(backend, 'deletion', { mailer, anonymousLogin: true, email: { language: 'en' }, ...options })
  return Object.assign(t, {
    mailer,
    destroy: (token: string, body: Record<string, unknown> = {}) => t.request.post(DESTROY).set(t.auth(token)).send(body),
    async smsSignUp(phone: string) {
      const sent = await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone })
      assert.equal(sent.status, 200, JSON.stringify(sent.body))
      const res = await t.request
        .post('/hserve/v2.1/login/sms/')
        .set(CLIENT)
        .send({ phone, code: t.outbox.lastCode(phone) })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      return { id: res.body.id as number, token: res.body.token as string }
    },
    async assertGone(id: number) {
      assert.equal(await t.store.getUserById(id), null)
      if (!t.postgres) return
      const { pool, schema } = t.postgres
      const users = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".user_router_users WHERE id = $1`, [id])
      const identities = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".user_router_users_identities WHERE user_id = $1`, [id])
      assert.deepEqual([users.rows[0].n, identities.rows[0].n], [0, 0], 'no row of the user is left in PostgreSQL')
    },
  })
}
