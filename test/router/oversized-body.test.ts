/**
 * A request whose declared `Content-Length` is over the body limit is answered 413 at once, in its
 * family's error format, with `Connection: close`, and the server then closes the connection:
 * nothing waits for (or reads) a body the router would refuse anyway. The app's own routes keep
 * their own body handling.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, afterEach, describe, it } from 'node:test'
import express from 'express'
import { closeTestApps, createTestApp, releaseTestResources, type TestApp } from '../helpers/test-app.js'

/** Only fails a test whose answer never comes; no timing is measured. */
const GIVE_UP_MS = 10_000

interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: unknown
}

/**
 * Sends a request (POST unless `method` says otherwise) declaring a 10 MB body, and no body at
 * all; answers what the server said once it closed the connection. Fails when the server has not closed it within GIVE_UP_MS.
 */
function declareHugeBody(t: TestApp, path: string, headers: Record<string, string>, method = 'POST'): Promise<RawAnswer> {
  const { port, hostname } = new URL(t.request.get('/').url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    const giveUp = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer and no close after ${GIVE_UP_MS} ms; received so far: ${JSON.stringify(Buffer.concat(chunks).toString())}`))
    }, GIVE_UP_MS)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', (error) => {
      clearTimeout(giveUp)
      reject(error)
    })
    socket.on('close', () => {
      clearTimeout(giveUp)
      const text = Buffer.concat(chunks).toString()
      const [head = '', body = ''] = text.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const entries = lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()])
      try {
        resolve({ status: Number(statusLine.split(' ')[1]), headers: Object.fromEntries(entries), body: JSON.parse(body) })
      } catch (error) {
        reject(new Error(`unreadable answer ${JSON.stringify(text)}: ${String(error)}`))
      }
    })
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Length: 10000000', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)]
    socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  })
}

const JSON_TYPE = { 'Content-Type': 'application/json' }

after(releaseTestResources)

describe('a declared oversized body', () => {
  afterEach(closeTestApps)
  const create = () =>
    createTestApp({
      backend: 'memory',
      label: 'oversized',
      options: { admin: { authorize: () => true }, sessionSecret: 'a test secret of at least 32 characters', oauth: { clients: [{ id: 'app', secret: 'app-secret' }] } },
    })

  const assertRefusedAtOnce = (answer: RawAnswer) => {
    assert.equal(answer.status, 413, JSON.stringify(answer))
    assert.equal(answer.headers.connection, 'close')
  }

  it('is answered 413 with Connection: close by the client API, before any body arrives', async () => {
    const t = await create()
    const answer = await declareHugeBody(t, '/hserve/v2.0/login/username/', { ...JSON_TYPE, 'X-Hydrogen-Client-ID': 'test-client' })
    assertRefusedAtOnce(answer)
    assert.equal((answer.body as { code: string }).code, 'payload_too_large')
  })

  it('is answered 413 by the admin API, the phone API and the OAuth endpoints, each in its own format', async () => {
    const t = await create()
    const admin = await declareHugeBody(t, '/userve/v1/login/', JSON_TYPE)
    assertRefusedAtOnce(admin)
    assert.equal((admin.body as { code: string }).code, 'payload_too_large')
    // Its own routes only: a POST to the PUT-only update route is the app's to answer.
    const phone = await declareHugeBody(t, '/api/v1/users/update', JSON_TYPE, 'PUT')
    assertRefusedAtOnce(phone)
    assert.deepEqual([(phone.body as { result: number }).result, (phone.body as { code: string }).code], [0, 'payload_too_large'])
    const oauth = await declareHugeBody(t, '/oauth/token', { 'Content-Type': 'application/x-www-form-urlencoded' })
    assertRefusedAtOnce(oauth)
    assert.equal((oauth.body as { error: string }).error, 'invalid_request')
  })

  it('is answered 413 by the reset form, whose form body is parsed by its route', async () => {
    const t = await create()
    const answer = await declareHugeBody(t, '/hserve/v2.0/user/password/reset/confirm?token=x', { 'Content-Type': 'application/x-www-form-urlencoded' })
    assertRefusedAtOnce(answer)
  })

  it("leaves the app's own routes alone: a body over the router's limit still reaches them", async () => {
    const t = await create()
    t.app.post('/upload', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => void res.json({ bytes: (req.body as Buffer).length }))
    const res = await t.request.post('/upload').set('Content-Type', 'application/octet-stream').send(Buffer.alloc(100_000, 1))
    assert.deepEqual([res.status, res.body], [200, { bytes: 100_000 }])
  })
})
