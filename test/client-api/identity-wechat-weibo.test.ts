/**
 * Third-party sign-in through the router with the shipped WeChat (official account) and Weibo
 * adapters, against stand-ins of their documented endpoints over HTTP, on every store: the redirect,
 * the provider's page, the router's callback, then authenticate. The same person signs into the same
 * user the next time.
 */
import assert from 'node:assert/strict'
import { after, afterEach, before, describe, it } from 'node:test'
import { WechatWebProvider } from '../../adapters/wechat/index.js'
import { WeiboProvider } from '../../adapters/weibo/index.js'
import type { StandInServer } from '../helpers/stand-in-server.js'
import { backendSkips, CLIENT, closeTestApps, countUsers, createTestApp, EVERY_BACKEND, releaseTestResources, type TestApp } from '../helpers/test-app.js'
import { startWechatStandIn } from '../helpers/wechat-stand-in.js'
import { startWeiboStandIn } from '../helpers/weibo-stand-in.js'

const PAGE = 'https://app.example.com/auth?handler=login'
const WECHAT = { appId: 'wx520c15f417810387', appSecret: 'app-secret-1c9e4f2a7b' }
const WEIBO = { clientId: '3892150473', clientSecret: 'weibo-secret-5d1f' }
const WECHAT_USER = {
  openid: 'oLVPp-person-1',
  unionid: 'o6_union-person-1',
  nickname: '小明',
  sex: 1,
  province: 'Guangdong',
  city: 'Shenzhen',
  country: 'CN',
  headimgurl: 'https://thirdwx.qlogo.cn/a/132',
  privilege: [],
}
const WEIBO_USER = {
  id: 1404376560,
  idstr: '1404376560',
  screen_name: 'zaku',
  profile_image_url: 'https://tvax1.sinaimg.cn/crop.0.0.180.180.50/a.jpg',
  avatar_large: 'https://tvax1.sinaimg.cn/crop.0.0.180.180.180/a.jpg',
  gender: 'f' as const,
  location: '北京 朝阳区',
  lang: 'zh-cn',
}

const skip = await backendSkips()
after(releaseTestResources)

/** The web SDK's steps: redirect, the provider's page (the person agrees), the router's callback, authenticate. */
async function signIn(t: TestApp, provider: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const redirect = await t.request.post(`/hserve/v2.0/idp/${provider}/redirect/`).set(CLIENT).send({ callback_url: PAGE })
  assert.equal(redirect.status, 200, JSON.stringify(redirect.body))
  const agreed = await fetch(redirect.body.redirect_url, { redirect: 'manual' })
  assert.equal(agreed.status, 302)
  const callback = await fetch(agreed.headers.get('location')!, { redirect: 'manual', headers: { Accept: 'text/html' } })
  assert.equal(callback.status, 303, await callback.text())
  const token = new URL(callback.headers.get('location')!).searchParams.get('token')
  const res = await t.request.post(`/hserve/v2.0/idp/${provider}/authenticate/`).set(CLIENT).send({ auth_token: token, create_user: true })
  return { status: res.status, body: res.body }
}

describe('sign-in with the WeChat and Weibo adapters through the router', () => {
  let wechat: StandInServer
  let weibo: StandInServer
  before(async () => {
    wechat = await startWechatStandIn({ ...WECHAT, user: WECHAT_USER })
    weibo = await startWeiboStandIn({ ...WEIBO, user: WEIBO_USER })
  })
  after(async () => {
    await wechat.close()
    await weibo.close()
  })

  for (const backend of EVERY_BACKEND) {
    describe(backend, { skip: skip[backend] }, () => {
      afterEach(closeTestApps)
      const create = () =>
        createTestApp({
          backend,
          label: 'idp-wechat-weibo',
          options: {
            identityProviders: {
              providers: {
                'oauth-wechat-mp': new WechatWebProvider({ ...WECHAT, kind: 'official-account', apiBase: wechat.url, authorizeBase: wechat.url }),
                'oauth-weibo': new WeiboProvider({ ...WEIBO, apiBase: weibo.url }),
              },
              allowedCallbackOrigins: ['https://app.example.com'],
            },
          },
        })

      it("creates the WeChat user with its openid and unionid, the profile from WeChat's user info, and signs it in again", async () => {
        const t = await create()
        const first = await signIn(t, 'oauth-wechat-mp')
        assert.equal(first.status, 201, JSON.stringify(first.body))
        assert.deepEqual(
          [first.body.openid, first.body.unionid, first.body.nickname, first.body.gender, first.body.city],
          ['oLVPp-person-1', 'o6_union-person-1', '小明', 1, 'Shenzhen'],
        )
        const again = await signIn(t, 'oauth-wechat-mp')
        assert.equal(again.body.id, first.body.id)
        const user = await t.store.getUserById(first.body.id as number)
        assert.deepEqual(
          user?.identities.map((i) => [i.provider, i.subject, i.unionId]),
          [['oauth-wechat-mp', 'oLVPp-person-1', 'o6_union-person-1']],
        )
        assert.equal(await countUsers(t.store), 1)
      })

      it('creates the Weibo user with its uid and profile, and signs it in again', async () => {
        const t = await create()
        const first = await signIn(t, 'oauth-weibo')
        assert.equal(first.status, 201, JSON.stringify(first.body))
        assert.deepEqual([first.body.nickname, first.body.gender, first.body.avatar], ['zaku', 2, WEIBO_USER.avatar_large])
        assert.equal((first.body._provider as Record<string, { subject: string }>)['oauth-weibo']?.subject, '1404376560')
        assert.equal((await signIn(t, 'oauth-weibo')).body.id, first.body.id)
        assert.equal(await countUsers(t.store), 1)
      })
    })
  }
})
