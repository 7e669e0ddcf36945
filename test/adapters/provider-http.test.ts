/** What the identity provider adapters share: base URL checks and clearing secrets out of errors. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { providerError, redact } from '../../adapters/provider-http/provider-fetch.js'
import { providerBaseUrl } from '../../adapters/provider-http/provider-url.js'

describe('provider base URLs', () => {
  it('take https:// anywhere and plain http:// on a loopback host only, without a trailing slash', () => {
    assert.equal(providerBaseUrl('https://api.example.com/', 'options.apiBase'), 'https://api.example.com')
    assert.equal(providerBaseUrl('https://proxy.example.com/wechat/', 'options.apiBase'), 'https://proxy.example.com/wechat')
    for (const base of ['http://127.0.0.1:8080', 'http://127.255.0.9', 'http://localhost', 'http://[::1]:3000']) assert.equal(providerBaseUrl(base, 'options.apiBase'), base)
    for (const base of ['http://api.example.com', 'http://10.0.0.1', 'http://[::2]', 'http://127.0.0.1.example.com', 'ftp://127.0.0.1', 'api.example.com']) {
      assert.throws(() => providerBaseUrl(base, 'X: options.apiBase'), { name: 'TypeError', message: /^X: options\.apiBase must be/ }, base)
    }
  })

  it('refuse a query, a fragment or credentials', () => {
    for (const base of ['https://api.example.com/?a=1', 'https://api.example.com/#x', 'https://user:pass@api.example.com']) {
      assert.throws(() => providerBaseUrl(base, 'options.apiBase'), TypeError, base)
    }
  })
})

describe('provider errors', () => {
  it('clear secrets as written and as encoded in a URL or a form, in the message and the cause', () => {
    const secret = 'a b/c+d'
    assert.equal(redact(`x ${secret} y a%20b%2Fc%2Bd z a+b%2Fc%2Bd`, [secret]), 'x [redacted] y [redacted] z [redacted]')
    const error = providerError('provider_failed', `call: ${secret}`, [secret], new Error(`GET https://h/?s=${encodeURIComponent(secret)}`, { cause: new Error(secret) }))
    assert.equal(error.message, 'call: [redacted]')
    assert.equal((error.cause as Error).message, 'Error GET https://h/?s=[redacted]: Error [redacted]')
  })
})
