/**
 * The `identityProviders` option, checked at creation: provider names, the providers' methods, the
 * allowed callback origins (exact origins; plain http only on loopback hosts), and `publicUrl` in
 * production.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter, type UserRouterOptions } from '../../src/index.js'
import type { RedirectIdentityProvider, WechatMiniProgram } from '../../src/ports.js'

const quiet = { warn() {}, error() {} }
const provider: RedirectIdentityProvider = {
  authorizationUrl: async () => 'https://provider.example.com/authorize',
  complete: async () => ({ subject: 's', unionId: null, raw: {} }),
}
const miniProgram: WechatMiniProgram = {
  appId: 'wx0123456789abcdef',
  codeToSession: async () => ({ openId: 'o', unionId: null, sessionKey: 'k' }),
  phoneNumber: async () => ({ phone: '13800138000', purePhone: '13800138000', countryCode: '86' }),
  checkRawDataSignature: () => false,
  decryptUserData: () => ({}),
}
const base = (identityProviders: unknown): UserRouterOptions => ({
  storage: new MemoryUserStore(),
  redis: new MemoryKeyValueStore(),
  clients: ['c1'],
  logger: quiet,
  identityProviders: identityProviders as UserRouterOptions['identityProviders'],
})

describe('the identityProviders option', () => {
  const refused: [unknown, RegExp][] = [
    [{ allowedCallbackOrigins: ['https://app.example.com'] }, /options\.identityProviders\.providers is required/],
    [{ providers: {}, allowedCallbackOrigins: ['https://app.example.com'] }, /options\.identityProviders\.providers must have at least 1 key/],
    [{ providers: { Upper: provider }, allowedCallbackOrigins: ['https://app.example.com'] }, /options\.identityProviders\.providers\.Upper is not a provider name/],
    [{ providers: { ['x'.repeat(65)]: provider }, allowedCallbackOrigins: ['https://app.example.com'] }, /is not a provider name/],
    [
      { providers: { oidc: { authorizationUrl() {} } }, allowedCallbackOrigins: ['https://app.example.com'] },
      /options\.identityProviders\.providers\.oidc must implement complete/,
    ],
    [{ providers: { oidc: provider } }, /options\.identityProviders\.allowedCallbackOrigins is required/],
    [{ providers: { oidc: provider }, allowedCallbackOrigins: [] }, /allowedCallbackOrigins must contain at least 1 items/],
    [{ providers: { oidc: provider }, allowedCallbackOrigins: ['http://app.example.com'] }, /allowedCallbackOrigins\.0 must be an origin .*loopback/],
    [{ providers: { oidc: provider }, allowedCallbackOrigins: ['https://app.example.com/'] }, /allowedCallbackOrigins\.0 must be an origin/],
    [{ providers: { oidc: provider }, allowedCallbackOrigins: ['https://app.example.com/auth'] }, /allowedCallbackOrigins\.0 must be an origin/],
    [{ providers: { oidc: provider }, allowedCallbackOrigins: ['app.example.com'] }, /allowedCallbackOrigins\.0 must be an origin/],
    [{ wechatMiniProgram: { ...miniProgram, decryptUserData: undefined } }, /options\.identityProviders\.wechatMiniProgram must implement decryptUserData/],
    [{ wechatMiniProgram: { ...miniProgram, appId: '' } }, /options\.identityProviders\.wechatMiniProgram must have the mini program's appId/],
    [{ wechatMiniProgram: miniProgram, providers: { oidc: provider } }, /options\.identityProviders\.allowedCallbackOrigins is required/],
    [{ wechatMiniProgram: miniProgram, providers: { wechat: provider }, allowedCallbackOrigins: ['https://app.example.com'] }, /providers\.wechat is the mini program's name/],
  ]
  for (const [option, message] of refused) {
    it(`refuses ${JSON.stringify(option)}`, () => {
      assert.throws(
        () => createUserRouter(base(option)),
        (error: Error) => error instanceof TypeError && message.test(error.message),
      )
    })
  }

  it('accepts provider names of a-z, 0-9 and -, https origins, and http on loopback hosts', async () => {
    const router = createUserRouter(
      base({
        providers: { 'oauth-wechat-web': provider, oidc2: provider },
        allowedCallbackOrigins: ['https://app.example.com', 'https://app.example.com:8443', 'http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:5173'],
      }),
    )
    await router.close()
  })

  it('serves the mini program alone: no redirect providers, no origins, no publicUrl in production', async () => {
    const previous = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      await createUserRouter(base({ wechatMiniProgram: miniProgram })).close()
    } finally {
      process.env.NODE_ENV = previous
    }
  })

  it('needs publicUrl in production, for the callback URL the providers get', async () => {
    const previous = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      const options = base({ providers: { oidc: provider }, allowedCallbackOrigins: ['https://app.example.com'] })
      assert.throws(() => createUserRouter(options), /options\.publicUrl is required in production with identityProviders/)
      await createUserRouter({ ...options, publicUrl: 'https://api.example.com/accounts' }).close()
    } finally {
      process.env.NODE_ENV = previous
    }
  })
})
