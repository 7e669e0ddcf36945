/**
 * A test app serving the WeChat mini program's routes, its `WechatMiniProgramApi` on a stand-in for
 * WeChat's server API, and the requests the MinApp SDK's mini program build sends.
 */
import assert from 'node:assert/strict'
import { WechatMiniProgramApi } from '../../adapters/wechat-miniprogram/index.js'
import type { UserRouterEvent } from '../../src/events.js'
import type { UserRouterOptions } from '../../src/options.js'
import { type Backend, CLIENT, createTestApp, type TestApp } from './test-app.js'
import { type StandInUser, startWechatApiStandIn, type WechatApiStandIn } from './wechat-api-stand-in.js'
import { encryptUserData, signRawData } from './wechat-user-data.js'

export interface WechatTestApp extends TestApp {
  readonly wechat: WechatApiStandIn
  readonly events: UserRouterEvent[]
}

export async function createWechatTestApp(backend: Backend, label: string, options: Partial<UserRouterOptions> = {}): Promise<WechatTestApp> {
  const wechat = await startWechatApiStandIn()
  const events: UserRouterEvent[] = []
  const api = new WechatMiniProgramApi({ appId: wechat.appId, appSecret: wechat.appSecret, apiBase: wechat.apiBase })
  let t: TestApp
  try {
    t = await createTestApp({ backend, label, options: { identityProviders: { wechatMiniProgram: api }, onEvent: (event) => events.push(event), ...options } })
  } catch (error) {
    await wechat.close()
    throw error
  }
  const close = t.close.bind(t)
  return Object.assign(t, {
    wechat,
    events,
    close: async () => {
      await close()
      await wechat.close()
    },
  })
}

/** `POST /hserve/v2.5/idp/wechat/silent-login/` as `loginWithWechat()` sends it, with a new code for `user`. */
export function silentLogin(t: WechatTestApp, user: StandInUser, body: { create_user?: boolean; login_with_unionid?: boolean } = {}) {
  const { code } = t.wechat.loginCode(user)
  return t.request
    .post('/hserve/v2.5/idp/wechat/silent-login/')
    .set(CLIENT)
    .send({ create_user: true, code, login_with_unionid: false, ...body })
}

/** Signs in silently (asserting 201): the user id and token. */
export async function signedIn(t: WechatTestApp, user: StandInUser): Promise<{ id: number; token: string }> {
  const res = await silentLogin(t, user)
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return { id: res.body.user_info.id as number, token: res.body.token as string }
}

/** What `updateUserInfo` sends (base library 2.16.0 and later) for `userInfo`, signed and encrypted with the session key of a new code. */
export function userInfoBody(t: WechatTestApp, user: StandInUser, userInfo: Record<string, unknown>, updateProfile = 'setnx', appId = t.wechat.appId) {
  const { code, sessionKey } = t.wechat.loginCode(user)
  const rawData = JSON.stringify(userInfo)
  return { rawData, signature: signRawData(rawData, sessionKey), ...encryptUserData(userInfo, sessionKey, appId), code, update_userprofile: updateProfile }
}

/** Fails when any of the bodies holds a session key the stand-in gave out. */
export function assertNoSessionKey(sessionKeys: string[], ...bodies: unknown[]): void {
  for (const body of bodies) {
    const text = JSON.stringify(body)
    for (const key of sessionKeys) assert.ok(!text.includes(key), 'a session key reached an answer')
    assert.ok(!/session_?key/i.test(text), 'an answer names a session key')
  }
}
