/**
 * WeChat's open data checks (开放数据校验与解密): what a mini program sends next to a `wx.login`
 * code is signed or encrypted with that sign-in's session key. Pure functions, no network.
 */
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto'
import { UserRouterError } from '../../src/errors.js'
import type { JsonObject } from '../../src/model/user.js'

/**
 * Whether `signature` is `sha1(rawData + sessionKey)` in hex, as `wx.getUserProfile` signs
 * `rawData`. Compared in constant time.
 */
export function checkRawDataSignature(rawData: string, signature: string, sessionKey: string): boolean {
  if (typeof rawData !== 'string' || typeof signature !== 'string' || typeof sessionKey !== 'string') return false
  if (!/^[0-9a-f]{40}$/i.test(signature)) return false
  const expected = createHash('sha1')
    .update(rawData + sessionKey, 'utf8')
    .digest()
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'))
}

function failed(problem: string): UserRouterError {
  return new UserRouterError('provider_failed', { message: `WeChat user data: ${problem}` })
}

/** Strict base64 (Buffer.from skips characters it does not know): `bytes` long when given. */
function base64Bytes(value: unknown, name: string, bytes?: number): Buffer {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw failed(`${name} is not base64`)
  const decoded = Buffer.from(value, 'base64')
  if (bytes !== undefined && decoded.length !== bytes) throw failed(`${name} is not ${bytes} bytes`)
  return decoded
}

/**
 * Decrypts `encryptedData` (`wx.getUserProfile`, `getPhoneNumber` before base library 2.21.2):
 * AES-128-CBC, the base64 session key as key, the base64 `iv`, PKCS#7 padding, a JSON object whose
 * `watermark.appid` must be `appId`. Anything else (bad base64, lengths, padding, JSON, another app)
 * rejects with `provider_failed`; no message or cause holds the key or the data.
 */
export function decryptUserData(encryptedData: string, iv: string, sessionKey: string, appId: string): JsonObject {
  const key = base64Bytes(sessionKey, 'the session key', 16)
  const vector = base64Bytes(iv, 'iv', 16)
  const ciphertext = base64Bytes(encryptedData, 'encryptedData')
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) throw failed('encryptedData is not whole AES blocks')
  let text: string
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, vector)
    text = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8')
  } catch {
    throw failed('encryptedData does not decrypt with this session key and iv')
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw failed('encryptedData does not decrypt to JSON')
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw failed('encryptedData does not decrypt to a JSON object')
  const watermark = (data as { watermark?: unknown }).watermark
  if (typeof watermark !== 'object' || watermark === null || (watermark as { appid?: unknown }).appid !== appId) throw failed('the watermark names another app')
  return data as JsonObject
}
