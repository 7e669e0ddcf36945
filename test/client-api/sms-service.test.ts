/**
 * The SMS code service on its own (purposes the client API never mixes), and when the SMS routes
 * are served at all.
 */
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import express from 'express'
import supertest from 'supertest'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter } from '../../src/create-user-router.js'
import { createUserSchema } from '../../src/model/schema.js'
import { parseOptions } from '../../src/options.js'
import { createServiceDeps } from '../../src/service-deps.js'
import type { ServiceDeps } from '../../src/services/deps.js'
import { sendSmsCode, verifySmsCode, type SmsPurpose } from '../../src/services/sms-codes.js'
import { CLIENT, CLIENT_ID } from '../helpers/test-app.js'
import { smsOutbox } from '../helpers/sms-outbox.js'

const PHONE = '13800138000'
const IP = '192.0.2.1'

describe('SMS code service', () => {
  const stores: MemoryKeyValueStore[] = []
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close()
  })

  /** The deps the service reads, on an in-memory store, with a 1-second cooldown. */
  function serviceDeps() {
    const outbox = smsOutbox()
    const kv = new MemoryKeyValueStore()
    stores.push(kv)
    const config = parseOptions({ storage: new MemoryUserStore(), clients: [CLIENT_ID], sms: outbox.sender, smsCodes: { cooldownSeconds: 1 } })
    return { deps: createServiceDeps(config, { kv, schema: createUserSchema({}), sms: outbox.sender, mailer: undefined }), outbox }
  }
  const check = (deps: ServiceDeps, purpose: SmsPurpose, code: string) => verifySmsCode(deps, { phone: PHONE, purpose, code, ip: IP })

  it('never takes a code of one purpose for another, and keeps both codes of a phone apart', async () => {
    const { deps, outbox } = serviceDeps()
    await sendSmsCode(deps, { phone: PHONE, purpose: 'client', ip: IP })
    await sleep(1100)
    await sendSmsCode(deps, { phone: PHONE, purpose: 'register', ip: IP })
    const [client, register] = outbox.sent.map((m) => m.code)
    assert.deepEqual(
      outbox.sent.map((m) => m.purpose),
      ['client', 'register'],
    )
    assert.equal(await check(deps, 'register', client!), false, 'a client code for register')
    assert.equal(await check(deps, 'login', register!), false, 'a register code for login')
    assert.equal(await check(deps, 'client', register!), false, 'a register code for the client routes')
    assert.equal(await check(deps, 'client', client!), true)
    assert.equal(await check(deps, 'register', register!), true)
    assert.equal(await check(deps, 'register', register!), false, 'single use')
  })

  it('refuses a malformed code without using up a try of the real one', async () => {
    const { deps, outbox } = serviceDeps()
    await sendSmsCode(deps, { phone: PHONE, purpose: 'client', ip: IP })
    for (const typed of ['', 'abcdef', '12345', '1234567', ` ${outbox.sent[0]!.code}`]) assert.equal(await check(deps, 'client', typed), false, JSON.stringify(typed))
    assert.equal(await check(deps, 'client', outbox.sent[0]!.code), true)
  })
})

describe('SMS routes without a sender', () => {
  it('are not served in production when no SMS sender is configured', async () => {
    const previous = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    const kv = new MemoryKeyValueStore()
    let router: ReturnType<typeof createUserRouter>
    try {
      router = createUserRouter({ storage: new MemoryUserStore(), redis: kv, clients: [CLIENT_ID], logger: { warn: () => {}, error: () => {} } })
    } finally {
      process.env.NODE_ENV = previous
    }
    const request = supertest(express().use(router))
    for (const path of ['/hserve/v1.8/sms-verification-code/', '/hserve/v2.2/sms-verification-code/', '/hserve/v1.8/sms-verification-code/verify/', '/hserve/v2.1/login/sms/']) {
      assert.equal((await request.post(path).set(CLIENT).send({ phone: PHONE, code: '123456' })).status, 404, path)
    }
    await router.close()
    await kv.close()
  })
})
