/**
 * The small HTML pages behind the e-mail links and the identity providers' callback: results, the
 * password-reset form, and the confirmation of an account's deletion. No external
 * assets and no script; every interpolated value is escaped; `PAGE_HEADERS` forbid loading anything
 * and keep the token-bearing URL out of referrers, caches and frames.
 */
import { escapeHtml } from '../../services/escape-html.js'
import type { EmailLanguage } from '../../services/email-messages.js'

/** Headers of every page. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
}

export type ResultKind = 'email_verified' | 'password_reset' | 'account_deleted' | 'invalid_link' | 'sign_in_failed' | 'error'

const RESULTS: Record<EmailLanguage, Record<ResultKind, [title: string, message: string]>> = {
  zh: {
    email_verified: ['邮箱已验证', '你的邮箱地址已经验证成功，现在可以关闭这个页面。'],
    password_reset: ['密码已重置', '新密码已经生效。所有设备上的登录都已退出，请用新密码重新登录。'],
    account_deleted: ['账号已删除', '你的账号已经删除，所有设备上的登录都已退出。'],
    invalid_link: ['链接无效', '这个链接无效、已被使用或已过期，请重新申请。'],
    sign_in_failed: ['登录未完成', '第三方登录没有完成、已被使用或已过期，请返回应用重新登录。'],
    error: ['出错了', '暂时无法完成操作，请稍后再试。'],
  },
  en: {
    email_verified: ['E-mail address verified', 'Your e-mail address is verified. You can close this page.'],
    password_reset: ['Password changed', 'Your new password is set. You have been signed out everywhere: sign in again with the new password.'],
    account_deleted: ['Account deleted', 'Your account is deleted, and you have been signed out everywhere.'],
    invalid_link: ['Invalid link', 'This link is invalid, already used or expired. Please ask for a new one.'],
    sign_in_failed: ['Sign-in not completed', 'The sign-in with the other service was not completed, or was already used or expired. Go back to the app and sign in again.'],
    error: ['Something went wrong', 'The request could not be completed. Please try again later.'],
  },
}

const FORM = {
  zh: {
    title: '设置新密码',
    password: '新密码',
    confirmation: '再次输入新密码',
    submit: '保存新密码',
    length: (min: number, max: number) => `密码长度须为 ${min}–${max} 个字符。`,
    mismatch: '两次输入的密码不一致。',
  },
  en: {
    title: 'Choose a new password',
    password: 'New password',
    confirmation: 'Repeat the new password',
    submit: 'Save the new password',
    length: (min: number, max: number) => `The password must be ${min} to ${max} characters.`,
    mismatch: 'The two passwords differ.',
  },
} as const

const DELETION = {
  zh: { title: '删除账号', warning: '删除后，账号和它的数据无法恢复，所有设备上的登录都会退出。', submit: '永久删除我的账号' },
  en: { title: 'Delete your account', warning: 'A deleted account and its data cannot be restored, and you will be signed out everywhere.', submit: 'Delete my account for good' },
} as const

function layout(language: EmailLanguage, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${language === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;padding:48px 16px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',Helvetica,Arial,sans-serif;font-size:16px;line-height:1.6;color:#222;background:#f5f6f8}
main{max-width:420px;margin:0 auto;padding:32px;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{margin:0 0 16px;font-size:22px}
label{display:block;margin:16px 0 4px}
input[type=password]{box-sizing:border-box;width:100%;padding:8px;font-size:16px;border:1px solid #bbb;border-radius:4px}
button{margin-top:24px;padding:10px 20px;font-size:16px;color:#fff;background:#2f6fed;border:0;border-radius:4px;cursor:pointer}
button.danger{background:#c62828}
.problem{padding:8px 12px;color:#a00;background:#fee;border-radius:4px}
.hint{font-size:13px;color:#666}
</style>
</head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>
`
}

/** A page that tells how a link went. */
export function resultPage(language: EmailLanguage, kind: ResultKind): string {
  const [title, message] = RESULTS[language][kind]
  return layout(language, title, `<p>${escapeHtml(message)}</p>`)
}

export interface ResetFormView {
  token: string
  minLength: number
  maxLength: number
  /** Shown above the form after a refused submission. */
  problem?: 'length' | 'mismatch'
}

/**
 * The reset form. It has no `action`: it posts back to the page's own URL (wherever the router is
 * mounted), carrying the token in a hidden field.
 */
export function resetFormPage(language: EmailLanguage, view: ResetFormView): string {
  const t = FORM[language]
  const length = t.length(view.minLength, view.maxLength)
  const problem = view.problem === undefined ? '' : `<p class="problem" role="alert">${escapeHtml(view.problem === 'length' ? length : t.mismatch)}</p>\n`
  const bounds = `minlength="${view.minLength}" maxlength="${view.maxLength}"`
  return layout(
    language,
    t.title,
    `${problem}<form method="post">
<input type="hidden" name="token" value="${escapeHtml(view.token)}">
<label for="password">${escapeHtml(t.password)}</label>
<input type="password" id="password" name="password" autocomplete="new-password" required ${bounds}>
<label for="password_confirmation">${escapeHtml(t.confirmation)}</label>
<input type="password" id="password_confirmation" name="password_confirmation" autocomplete="new-password" required ${bounds}>
<p class="hint">${escapeHtml(length)}</p>
<button type="submit">${escapeHtml(t.submit)}</button>
</form>`,
  )
}

/**
 * The confirmation of an account's deletion: opening the link only shows it, and its button posts
 * back to the page's own URL with the token in a hidden field. Mail scanners open links; only a
 * person presses the button.
 */
export function deletionFormPage(language: EmailLanguage, token: string): string {
  const t = DELETION[language]
  return layout(
    language,
    t.title,
    `<p>${escapeHtml(t.warning)}</p>
<form method="post">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit" class="danger">${escapeHtml(t.submit)}</button>
</form>`,
  )
}
