/**
 * The example's development outbox (`DEV_OUTBOX=1`): console mailer and SMS sender
 * that also remember the last message per recipient, served as JSON at
 * `GET /dev/outbox?to=<phone or e-mail>`, so that scripts and browser tests can read codes and
 * links. It hands codes and links to anyone who asks: never in production.
 */
import { Router } from 'express'
import { ConsoleMailer, ConsoleSmsSender } from '../adapters/console/index.js'
import { identifierKey, normalizePhone } from '../src/model/identifiers.js'

/** What `GET /dev/outbox` answers. */
export interface OutboxEntry {
  to: string
  code?: string
  link?: string
  subject?: string
  text: string
  /** Unix seconds. */
  sent_at: number
}

export interface DevOutbox {
  mailer: ConsoleMailer
  sms: ConsoleSmsSender
  /** Serves `GET /dev/outbox?to=`. */
  router: Router
}

/** Recipients kept; the oldest is forgotten beyond this (the outbox lives in memory). */
const MAX_RECIPIENTS = 1000

/** Phones as the router stores them (`+86 138 0013 8000` → `13800138000`), addresses lower-cased. */
function recipientKey(to: string): string {
  return normalizePhone(to) ?? identifierKey(to.trim())
}

export function createDevOutbox(): DevOutbox {
  if (process.env.NODE_ENV === 'production') throw new Error('DEV_OUTBOX is refused when NODE_ENV=production: it shows codes and links to anyone')
  const last = new Map<string, OutboxEntry>()
  const record = (entry: OutboxEntry) => {
    const key = recipientKey(entry.to)
    last.delete(key) // re-insert: the map's order is the age order
    last.set(key, entry)
    if (last.size > MAX_RECIPIENTS) last.delete(last.keys().next().value!)
  }
  const now = () => Math.floor(Date.now() / 1000)

  const mailer = new ConsoleMailer({
    onSend: (message) => {
      const link = /https?:\/\/\S+/.exec(message.text)?.[0]
      record({ to: message.to, ...(link ? { link } : {}), subject: message.subject, text: message.text, sent_at: now() })
    },
  })
  const sms = new ConsoleSmsSender({
    onSend: (message) => {
      const text = `code ${message.code} (${message.purpose}, valid ${Math.round(message.ttlSeconds / 60)} min)`
      record({ to: message.phone, code: message.code, text, sent_at: now() })
    },
  })

  const router = Router()
  router.get('/dev/outbox', (req, res) => {
    const to = req.query.to
    res.set('Cache-Control', 'no-store')
    if (typeof to !== 'string' || to.trim() === '') return void res.status(400).json({ error: 'give ?to=<phone or e-mail>' })
    const entry = last.get(recipientKey(to))
    if (!entry) return void res.status(404).json({ error: `nothing was sent to ${to}` })
    res.json(entry)
  })
  return { mailer, sms, router }
}
