/**
 * The verification and password-reset e-mails, and the notice of a changed e-mail or phone: a
 * plain-text and an HTML part, in Chinese (default) or English, naming the app when `email.appName`
 * is set. `email.templates.verify` / `.reset` / `.accountChanged` replace the built-in wording.
 * Every value put into the HTML part is escaped.
 */
import { escapeHtml } from './escape-html.js'

export type EmailLanguage = 'zh' | 'en'
/** Which mail: the e-mail verification link, the password-reset link, or the account-deletion link. */
export type EmailKind = 'verify' | 'reset' | 'delete'

/** What a template receives. */
export interface EmailTemplateInput {
  /** The single-use link (an absolute URL). Put it in both parts. */
  link: string
  /** `email.appName`, or `''` when not set. Escape it yourself in HTML. */
  appName: string
  language: EmailLanguage
  /** Minutes the link stays valid. */
  expiresInMinutes: number
}

/** What a template returns. */
export interface EmailContent {
  subject: string
  text: string
  html: string
}

/** A replacement for a built-in message (`email.templates.verify`, `email.templates.reset`). */
export type EmailTemplate = (input: EmailTemplateInput) => EmailContent | Promise<EmailContent>

/** What changed on the account, for the notice to its old verified address. */
export type ChangedContact = 'email' | 'phone'

/** What the `email.templates.accountChanged` template receives (there is no link). */
export interface ChangeNoticeTemplateInput {
  /** `email.appName`, or `''` when not set. Escape it yourself in HTML. */
  appName: string
  language: EmailLanguage
  /** What was changed, in this order: `['email']`, `['phone']` or `['email', 'phone']`. */
  changed: ChangedContact[]
}

/** A replacement for the built-in change notice (`email.templates.accountChanged`). */
export type ChangeNoticeTemplate = (input: ChangeNoticeTemplateInput) => EmailContent | Promise<EmailContent>

export interface EmailTemplates {
  verify?: EmailTemplate
  reset?: EmailTemplate
  delete?: EmailTemplate
  accountChanged?: ChangeNoticeTemplate
}

/** The e-mail settings a message depends on (a part of `EmailConfig`). */
export interface EmailSettings {
  language: EmailLanguage
  appName: string
  templates: EmailTemplates
}

interface Wording {
  subject: string
  greeting: string
  lead: string
  action: string
  linkHint: string
  validity: string
  ignore: string
}

function duration(minutes: number, language: EmailLanguage): string {
  const hours = minutes / 60
  if (language === 'zh') return Number.isInteger(hours) ? `${hours} 小时` : `${minutes} 分钟`
  if (Number.isInteger(hours)) return hours === 1 ? '1 hour' : `${hours} hours`
  return minutes === 1 ? '1 minute' : `${minutes} minutes`
}

function wording(kind: EmailKind, language: EmailLanguage, appName: string, minutes: number): Wording {
  // A subject is one header line: no control characters (line breaks) from the app name.
  const subjectApp = appName.replace(/\p{C}+/gu, ' ').trim()
  const valid = duration(minutes, language)
  if (language === 'zh') {
    const base = { greeting: '你好：', linkHint: '如果按钮无法打开，请把这个链接复制到浏览器中打开：', validity: `链接 ${valid}内有效，只能使用一次。` }
    const prefix = subjectApp ? `${subjectApp}：` : ''
    if (kind === 'delete')
      return {
        ...base,
        subject: `${prefix}确认删除你的账号`,
        lead: `我们收到了删除你${appName ? `在「${appName}」的` : '的'}账号的请求。请打开下面的链接确认；删除后无法恢复。`,
        action: '确认删除账号',
        ignore: '如果你没有请求删除账号，请忽略这封邮件，你的账号不会改变。',
      }
    return kind === 'verify'
      ? {
          ...base,
          subject: `${prefix}验证你的邮箱地址`,
          lead: `请打开下面的链接，验证你${appName ? `在「${appName}」` : ''}使用的邮箱地址。`,
          action: '验证邮箱',
          ignore: '如果这不是你本人的操作，请忽略这封邮件。',
        }
      : {
          ...base,
          subject: `${prefix}重置你的密码`,
          lead: `我们收到了重置你${appName ? `在「${appName}」的` : '的'}账号密码的请求。请打开下面的链接设置新密码。`,
          action: '设置新密码',
          ignore: '如果你没有请求重置密码，请忽略这封邮件，你的密码不会改变。',
        }
  }
  const base = { greeting: 'Hello,', linkHint: 'If the button does not work, copy this link into your browser:', validity: `The link is valid for ${valid} and works once.` }
  if (kind === 'delete')
    return {
      ...base,
      subject: subjectApp ? `${subjectApp}: confirm the deletion of your account` : 'Confirm the deletion of your account',
      lead: `We received a request to delete your ${appName ? `${appName} ` : ''}account. Open the link below to confirm it; a deleted account cannot be restored.`,
      action: 'Confirm the deletion',
      ignore: 'If you did not ask for this, ignore this e-mail: your account stays as it is.',
    }
  return kind === 'verify'
    ? {
        ...base,
        subject: subjectApp ? `${subjectApp}: verify your e-mail address` : 'Verify your e-mail address',
        lead: `Open the link below to verify your e-mail address${appName ? ` for ${appName}` : ''}.`,
        action: 'Verify e-mail address',
        ignore: 'If you did not ask for this, ignore this e-mail.',
      }
    : {
        ...base,
        subject: subjectApp ? `${subjectApp}: reset your password` : 'Reset your password',
        lead: `We received a request to reset the password of your ${appName ? `${appName} ` : ''}account. Open the link below to choose a new one.`,
        action: 'Choose a new password',
        ignore: 'If you did not ask for this, ignore this e-mail: your password stays as it is.',
      }
}

function renderText(w: Wording, link: string, language: EmailLanguage): string {
  // Chinese sentences run on without a space.
  return `${w.greeting}\n\n${w.lead}\n\n${link}\n\n${w.validity}${language === 'en' ? ' ' : ''}${w.ignore}\n`
}

function renderHtml(w: Wording, link: string, language: EmailLanguage): string {
  const e = escapeHtml
  const href = e(link)
  return `<!DOCTYPE html>
<html lang="${language === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(w.subject)}</title></head>
<body style="margin:0;padding:24px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#222">
<p>${e(w.greeting)}</p>
<p>${e(w.lead)}</p>
<p><a href="${href}" style="display:inline-block;padding:10px 20px;border-radius:4px;background:#2f6fed;color:#fff;text-decoration:none">${e(w.action)}</a></p>
<p style="font-size:13px;color:#666">${e(w.linkHint)}<br><a href="${href}" style="color:#2f6fed;word-break:break-all">${href}</a></p>
<p style="font-size:13px;color:#666">${e(w.validity)}${language === 'en' ? ' ' : ''}${e(w.ignore)}</p>
</body>
</html>
`
}

function checkContent(kind: EmailKind | 'accountChanged', content: unknown): EmailContent {
  const c = content as Partial<EmailContent> | null
  if (!c || typeof c.subject !== 'string' || typeof c.text !== 'string' || typeof c.html !== 'string') {
    throw new TypeError(`express-user-router: email.templates.${kind} must return { subject, text, html } strings`)
  }
  return { subject: c.subject, text: c.text, html: c.html }
}

/** The subject and both parts of one message, from the app's template or the built-in wording. */
export async function composeEmail(kind: EmailKind, settings: EmailSettings, link: string, ttlSeconds: number): Promise<EmailContent> {
  const input: EmailTemplateInput = { link, appName: settings.appName, language: settings.language, expiresInMinutes: Math.ceil(ttlSeconds / 60) }
  const template = settings.templates[kind]
  if (template) return checkContent(kind, await template(input))
  const w = wording(kind, input.language, input.appName, input.expiresInMinutes)
  return { subject: w.subject, text: renderText(w, link, input.language), html: renderHtml(w, link, input.language) }
}

function noticeWording(language: EmailLanguage, appName: string, changed: ChangedContact[]): { subject: string; paragraphs: string[] } {
  const subjectApp = appName.replace(/\p{C}+/gu, ' ').trim()
  if (language === 'zh') {
    const what = changed.map((c) => (c === 'email' ? '邮箱地址' : '手机号码')).join('和')
    return {
      subject: `${subjectApp ? `${subjectApp}：` : ''}你的账号${what}已更改`,
      paragraphs: [
        '你好：',
        `你${appName ? `在「${appName}」的` : '的'}账号的${what}刚刚被更改。`,
        '如果这是你本人的操作，请忽略这封邮件。如果不是，你的账号可能正被他人使用，请尽快联系我们。',
      ],
    }
  }
  const what = changed.map((c) => (c === 'email' ? 'e-mail address' : 'phone number')).join(' and ')
  return {
    subject: subjectApp ? `${subjectApp}: your ${what} was changed` : `Your ${what} was changed`,
    paragraphs: [
      'Hello,',
      `The ${what} of your ${appName ? `${appName} ` : ''}account was just changed.`,
      'If this was you, ignore this e-mail. If it was not, someone else may be using your account: contact us at once.',
    ],
  }
}

/** The notice mailed to the old verified address after its account's e-mail or phone changed. */
export async function composeChangeNotice(settings: EmailSettings, changed: ChangedContact[]): Promise<EmailContent> {
  const input: ChangeNoticeTemplateInput = { appName: settings.appName, language: settings.language, changed }
  const template = settings.templates.accountChanged
  if (template) return checkContent('accountChanged', await template(input))
  const { subject, paragraphs } = noticeWording(input.language, input.appName, changed)
  const e = escapeHtml
  const html = `<!DOCTYPE html>
<html lang="${input.language === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(subject)}</title></head>
<body style="margin:0;padding:24px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#222">
${paragraphs.map((p) => `<p>${e(p)}</p>`).join('\n')}
</body>
</html>
`
  return { subject, text: `${paragraphs.join('\n\n')}\n`, html }
}
