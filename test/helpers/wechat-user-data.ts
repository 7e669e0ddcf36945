/**
 * WeChat's side of the open data a mini program sends (开放数据校验与解密): `rawData` signed with
 * the session key, user data encrypted with it, so tests can build what the mini program posts.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto'

/** `sha1(rawData + sessionKey)` in hex, as `wx.getUserProfile` signs `rawData`. */
export function signRawData(rawData: string, sessionKey: string): string {
  return createHash('sha1')
    .update(rawData + sessionKey, 'utf8')
    .digest('hex')
}

/**
 * `data` with WeChat's watermark (`appid`, `timestamp`) added, encrypted as WeChat does:
 * AES-128-CBC, the base64 session key as key, a random iv, PKCS#7 padding; both base64.
 */
export function encryptUserData(data: object, sessionKey: string, appId: string): { encryptedData: string; iv: string } {
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv)
  const plain = JSON.stringify({ ...data, watermark: { appid: appId, timestamp: Math.floor(Date.now() / 1000) } })
  const encrypted = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') }
}
