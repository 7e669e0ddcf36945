/**
 * A `Mailer` on SMTP, through nodemailer. Give it an `smtp://` or `smtps://` URL
 * (`smtps://user:pass@smtp.example.com`), nodemailer transport options, or both (the URL wins where
 * both set a value), and the `From` address.
 */
import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js'
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'
import { UserRouterError } from '../../src/errors.js'
import type { MailMessage, Mailer } from '../../src/ports.js'

export interface SmtpMailerOptions {
  /** `smtp://[user:pass@]host[:port]` or `smtps://...` (TLS from the first byte). */
  url?: string
  /** nodemailer SMTP transport options (`host`, `port`, `secure`, `auth`, `tls`, `pool`...). */
  transport?: SMTPTransport.Options | SMTPPool.Options
  /** The `From` address: `no-reply@example.com` or `"My App" <no-reply@example.com>`. Required. */
  from: string
}

/**
 * A send runs inside an HTTP request: fail within seconds rather than nodemailer's defaults
 * (2 minutes to connect, 10 minutes of socket silence). Options given override these.
 */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }

export class SmtpMailer implements Mailer {
  private readonly transporter: Transporter
  private readonly from: string

  constructor(options: SmtpMailerOptions) {
    if (typeof options?.from !== 'string' || options.from.trim() === '') {
      throw new TypeError('SmtpMailer: options.from is required: the From address, e.g. from: "no-reply@example.com"')
    }
    if (options.url === undefined && options.transport === undefined) {
      throw new TypeError('SmtpMailer: options.url or options.transport is required, e.g. url: "smtps://user:pass@smtp.example.com"')
    }
    if (options.url !== undefined && !/^smtps?:\/\//i.test(options.url)) {
      throw new TypeError('SmtpMailer: options.url must start with smtp:// or smtps://')
    }
    this.from = options.from
    this.transporter = nodemailer.createTransport({ ...TIMEOUTS, ...options.transport, ...(options.url === undefined ? {} : { url: options.url }) })
  }

  /**
   * Sends the message. Any failure (connection, authentication, a refused recipient) rejects with
   * `UserRouterError('mail_failed')`; the server's own message is kept in `cause`, for logs only.
   */
  async send(message: MailMessage): Promise<void> {
    let rejected: unknown[]
    try {
      const info = (await this.transporter.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text, html: message.html })) as {
        rejected?: unknown[]
      }
      rejected = info.rejected ?? []
    } catch (cause) {
      throw new UserRouterError('mail_failed', { cause })
    }
    if (rejected.length > 0) throw new UserRouterError('mail_failed', { cause: new Error('the server refused the recipient') })
  }

  /** Connects and authenticates once, to check the settings at start-up; rejects like `send`. */
  async verify(): Promise<void> {
    try {
      await this.transporter.verify()
    } catch (cause) {
      throw new UserRouterError('mail_failed', { cause })
    }
  }

  /** Closes pooled connections (`transport.pool`); without a pool there is nothing to close. */
  close(): void {
    this.transporter.close()
  }
}
