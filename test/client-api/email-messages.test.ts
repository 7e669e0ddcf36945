/**
 * The e-mails and pages of the e-mail flows: Chinese by default, English by option, the app name,
 * HTML escaping of a hostile app name, and templates that replace the built-in wording; through
 * HTTP on both backends, plus `composeEmail` directly.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import type { UserRouterOptions } from '../../src/options.js'
import { composeEmail, type EmailTemplateInput } from '../../src/services/email-messages.js'
import { linkIn, pathAndToken, RecordingMailer } from '../helpers/recording-mailer.js'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, releaseTestResources, type Backend } from '../helpers/test-app.js'

const HOSTILE = '<script>alert("x")</script> & <b>Co</b>'
const HTML_ACCEPT = { Accept: 'text/html' }

async function mailsOf(backend: Backend, email: NonNullable<UserRouterOptions['email']> = {}) {
  const mailer = new RecordingMailer()
  const t = await createTestApp({ backend, label: 'email-messages', options: { mailer, email } })
  const { id, token } = await t.signUp('email', 'words@example.com')
  assert.equal((await t.request.post('/hserve/v2.0/user/email-verify/').set(t.auth(token))).status, 201)
  const verify = mailer.last()
  const page = await t.request.get(pathAndToken(linkIn(verify)).path).set(HTML_ACCEPT)
  await t.store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }], updatedAt: 1 })
  // A second account: the first one's address is in its cooldown.
  const other = await t.signUp('email', 'words2@example.com')
  await t.store.updateUser(other.id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }], updatedAt: 1 })
  assert.equal((await t.request.post('/hserve/v2.0/user/password/reset/').set(CLIENT).send({ email: 'words2@example.com' })).status, 201)
  const reset = mailer.last()
  const form = await t.request.get(pathAndToken(linkIn(reset)).path).set(HTML_ACCEPT)
  return { verify, reset, page: page.text, form: form.text }
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`e-mail messages and pages (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('writes Chinese by default', async () => {
      const { verify, reset, page, form } = await mailsOf(backend)
      assert.equal(verify.subject, '验证你的邮箱地址')
      assert.match(verify.text, /请打开下面的链接，验证你使用的邮箱地址/)
      assert.match(verify.text, /链接 24 小时内有效，只能使用一次/)
      assert.match(verify.html, /<html lang="zh-CN">/)
      assert.equal(reset.subject, '重置你的密码')
      assert.match(reset.text, /链接 1 小时内有效/)
      assert.match(page, /邮箱已验证/)
      assert.match(form, /设置新密码/)
    })

    it('writes English with language "en", naming the app', async () => {
      const { verify, reset, page, form } = await mailsOf(backend, { language: 'en', appName: 'Demo App' })
      assert.equal(verify.subject, 'Demo App: verify your e-mail address')
      assert.match(verify.text, /verify your e-mail address for Demo App\./)
      assert.match(verify.text, /The link is valid for 24 hours and works once\./)
      assert.match(verify.html, /<html lang="en">/)
      assert.equal(reset.subject, 'Demo App: reset your password')
      assert.match(reset.text, /your Demo App account/)
      assert.match(reset.text, /valid for 1 hour and/)
      assert.match(page, /E-mail address verified/)
      assert.match(form, /Choose a new password/)
    })

    it('escapes a hostile app name in the HTML part and keeps it out of the subject line breaks', async () => {
      const { verify, reset } = await mailsOf(backend, { appName: `${HOSTILE}\r\nBcc: victim@example.com` })
      for (const mail of [verify, reset]) {
        assert.ok(!mail.html.includes('<script>') && !mail.html.includes('<b>'), mail.html)
        assert.ok(mail.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;'), mail.html)
        assert.ok(mail.text.includes(HOSTILE), 'the plain-text part shows the name as is')
        assert.ok(!/[\r\n]/.test(mail.subject), JSON.stringify(mail.subject))
      }
    })
  })
}

describe('composeEmail', () => {
  it('uses a template when given one, with the link, app name, language and minutes', async () => {
    const inputs: EmailTemplateInput[] = []
    const settings = {
      language: 'en' as const,
      appName: 'Demo',
      templates: {
        reset: async (input: EmailTemplateInput) => {
          inputs.push(input)
          return { subject: 'Custom', text: `Go: ${input.link}`, html: `<a href="${input.link}">go</a>` }
        },
      },
    }
    const content = await composeEmail('reset', settings, 'https://x.example/confirm?token=abc', 3600)
    assert.deepEqual(content, { subject: 'Custom', text: 'Go: https://x.example/confirm?token=abc', html: '<a href="https://x.example/confirm?token=abc">go</a>' })
    assert.deepEqual(inputs, [{ link: 'https://x.example/confirm?token=abc', appName: 'Demo', language: 'en', expiresInMinutes: 60 }])
    // The other kind keeps the built-in wording.
    assert.equal((await composeEmail('verify', settings, 'https://x.example/v', 86400)).subject, 'Demo: verify your e-mail address')
  })

  it('refuses a template that returns something else than three strings', async () => {
    const settings = { language: 'zh' as const, appName: '', templates: { verify: () => ({ subject: 'only a subject' }) as never } }
    await assert.rejects(composeEmail('verify', settings, 'https://x.example/v', 60), /email\.templates\.verify must return/)
  })

  it('states short lifetimes in minutes', async () => {
    const settings = { language: 'en' as const, appName: '', templates: {} }
    assert.match((await composeEmail('reset', settings, 'https://x.example/r', 1800)).text, /valid for 30 minutes/)
    assert.match((await composeEmail('reset', { ...settings, language: 'zh' }, 'https://x.example/r', 90)).text, /链接 2 分钟内有效/)
  })
})
