/**
 * Just enough MIME for tests that receive real mail (nodemailer has no parser): the decoded
 * Subject and the decoded body of a part by content type (base64, quoted-printable or 7/8bit).
 */

function decodeQuotedPrintable(text: string): Buffer {
  const joined = text.replace(/=\r?\n/g, '') // soft line breaks
  const bytes: number[] = []
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' ? joined.slice(i + 1, i + 3) : ''
    if (/^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'))
    }
  }
  return Buffer.from(bytes)
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body).toString('utf8')
  return body
}

/** Header lines of a block, unfolded, by lower-case name. */
function headersOf(block: string): Map<string, string> {
  const headers = new Map<string, string>()
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return headers
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?UTF-8?Q?...?=`). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?') // whitespace between encoded words is not part of the text
    .replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_m, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')).toString('utf8'),
    )
}

export interface ParsedMail {
  headers: Map<string, string>
  subject: string
  /** Decoded bodies of the leaf parts, by content type (`text/plain`, `text/html`). */
  parts: Map<string, string>
}

/** Splits a raw message into its decoded leaf parts (nested multiparts included). */
export function parseMail(raw: string): ParsedMail {
  const parts = new Map<string, string>()
  const walk = (entity: string): Map<string, string> => {
    const split = /\r?\n\r?\n/.exec(entity)
    const head = split ? entity.slice(0, split.index) : entity
    const body = split ? entity.slice(split.index + split[0].length) : ''
    const headers = headersOf(head)
    const type = headers.get('content-type') ?? 'text/plain'
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
    if (/^multipart\//i.test(type) && boundary) {
      const sections = body.split(`--${boundary}`).slice(1)
      for (const section of sections) if (!section.startsWith('--')) walk(section.replace(/^\r?\n/, ''))
    } else {
      parts.set(type.split(';')[0]!.trim().toLowerCase(), decodeBody(body, (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()))
    }
    return headers
  }
  const headers = walk(raw)
  return { headers, subject: decodeWords(headers.get('subject') ?? ''), parts }
}
