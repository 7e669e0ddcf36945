/** The published entry points resolve by package name, as an app would import them. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

/** What a custom adapter may reuse: on the kit entry, not on the main one. */
const KIT_FUNCTIONS = [
  'createUserSchema',
  'parseWhere',
  'parseListParams',
  'parseProfileUpdate',
  'matchesFilter',
  'compareUsersBy',
  'applyUpdate',
  'normalizePhone',
  'identifierKey',
  'checkNewIdentity',
  'isStorableIdentityText',
  'sortIdentities',
  'parseSafeRegex',
  'matchSafeRegex',
  'toPostgresRegex',
  'RegexBudget',
  'RegexTurns',
  'createRandom',
  'randomUser',
  'randomListParams',
  'randomUpdateBody',
]
const KIT_VALUES = ['BUILTIN_FIELDS', 'INTERNAL_FIELDS', 'REGEX_STEP_BUDGET', 'RANDOM_PROFILE_FIELDS', 'IDENTITY_LIMITS']

/** A variable specifier: resolved by Node through package.json "exports", as an app would. */
async function load(specifier: string): Promise<Record<string, unknown>> {
  return (await import(specifier)) as Record<string, unknown>
}

describe('package exports', () => {
  it('exposes the main entry, every adapter, the adapter kit and the testing suite', async () => {
    const expected: [string, string[]][] = [
      ['express-user-router', ['createUserRouter', 'UserRouterError', 'isUserRouterError', 'openApiDocument', 'hashPassword']],
      ['express-user-router/adapters/memory', ['MemoryUserStore', 'MemoryKeyValueStore']],
      ['express-user-router/adapters/redis', ['RedisKeyValueStore']],
      ['express-user-router/adapters/sqlite', ['SqliteUserStore']],
      ['express-user-router/adapters/postgres', ['PostgresUserStore']],
      ['express-user-router/adapters/smtp', ['SmtpMailer']],
      ['express-user-router/adapters/wechat-miniprogram', ['WechatMiniProgramApi', 'checkRawDataSignature', 'decryptUserData']],
      ['express-user-router/adapters/wechat', ['WechatWebProvider']],
      ['express-user-router/adapters/weibo', ['WeiboProvider']],
      ['express-user-router/adapters/oidc', ['OidcProvider']],
      ['express-user-router/kit', KIT_FUNCTIONS],
      ['express-user-router/testing', ['describeUserStoreConformance', 'describeKeyValueStoreConformance']],
    ]
    for (const [specifier, names] of expected) {
      const module = await load(specifier)
      for (const name of names) assert.equal(typeof module[name], 'function', `${specifier} exports ${name}`)
    }
    const kit = await load('express-user-router/kit')
    for (const name of KIT_VALUES) assert.notEqual(kit[name], undefined, `express-user-router/kit exports ${name}`)
  })

  it('keeps the adapter kit off the main entry, which holds what an app uses', async () => {
    const main = await load('express-user-router')
    for (const name of [...KIT_FUNCTIONS, ...KIT_VALUES]) assert.ok(!(name in main), `express-user-router does not export ${name}`)
    assert.deepEqual(Object.keys(main).sort(), ['ERROR_CODES', 'UserRouterError', 'createUserRouter', 'hashPassword', 'isUserRouterError', 'openApiDocument'])
  })

  it('shares one error class between the main entry and the kit, so isUserRouterError holds for errors the kit throws', async () => {
    const main = await load('express-user-router')
    const kit = await load('express-user-router/kit')
    const parseWhere = kit.parseWhere as (text: string, context: unknown) => unknown
    const createUserSchema = kit.createUserSchema as (fields: object) => unknown
    const isUserRouterError = main.isUserRouterError as (error: unknown, code?: string) => boolean
    const error = (() => {
      try {
        parseWhere('{"nope":1}', { schema: createUserSchema({}), visibility: 'all' })
      } catch (thrown) {
        return thrown
      }
      return undefined
    })()
    assert.ok(isUserRouterError(error, 'invalid_query'), String(error))
  })
})
