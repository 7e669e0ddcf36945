/**
 * A recording `SmsSender` for tests: keeps every message, and fails on demand (the next sends
 * reject with the errors queued in `failures`, or made from the message by a queued function).
 */
import type { SmsMessage, SmsSender } from '../../src/ports.js'

export interface SmsOutbox {
  /** Pass as `options.sms`. */
  readonly sender: SmsSender
  /** Every message sent, oldest first (failed sends are not in it). */
  readonly sent: SmsMessage[]
  /** Every message given to the sender, failed sends included. */
  readonly attempted: SmsMessage[]
  /** Errors the next sends reject with, one per send; a function makes it from the message. */
  readonly failures: (Error | ((message: SmsMessage) => Error))[]
  /** The code of the latest message to `phone` (normalised), asserting there is one. */
  lastCode(phone: string): string
}

export function smsOutbox(): SmsOutbox {
  const sent: SmsMessage[] = []
  const attempted: SmsMessage[] = []
  const failures: SmsOutbox['failures'][number][] = []
  return {
    sent,
    attempted,
    failures,
    sender: {
      async send(message) {
        attempted.push({ ...message })
        const failure = failures.shift()
        if (failure) throw typeof failure === 'function' ? failure(message) : failure
        sent.push({ ...message })
      },
    },
    lastCode(phone) {
      const message = sent.findLast((m) => m.phone === phone)
      if (!message) throw new Error(`no SMS was sent to ${phone}; sent: ${JSON.stringify(sent.map((m) => m.phone))}`)
      return message.code
    },
  }
}

/** A 6-digit code that is not `code`: the `n`-th wrong guess (n >= 1). */
export function wrongCode(code: string, n = 1): string {
  return String((Number(code) + n) % 1_000_000).padStart(6, '0')
}

/** Whether `text` holds `code` as a number of its own (not inside a longer run of digits, such as a timestamp). */
export function containsCode(text: string, code: string): boolean {
  return new RegExp(`(?<!\\d)${code}(?!\\d)`).test(text)
}
