/** The open data checks: rawData signatures and encryptedData, built as WeChat builds them. */
import assert from 'node:assert/strict'
import { createCipheriv, randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { checkRawDataSignature, decryptUserData } from '../../adapters/wechat-miniprogram/index.js'
import { expectError, assertRevealsNone } from '../helpers/errors.js'
import { encryptUserData, signRawData } from '../helpers/wechat-user-data.js'

const APP_ID = 'wx0123456789abcdef'
const sessionKey = randomBytes(16).toString('base64')
const USER = { openId: 'o-alice', nickName: '爱丽丝', gender: 2, avatarUrl: 'https://thirdwx.qlogo.cn/a.png', unionId: 'u-alice' }

/** Flips one bit of byte `index` of a base64 value. */
function flip(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64')
  bytes[index] = bytes[index]! ^ 0x01
  return bytes.toString('base64')
}

/** Raw AES-128-CBC of `plain` with the padding left to the caller. */
function encryptRaw(plain: Buffer, key: string, iv: Buffer): string {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(key, 'base64'), iv).setAutoPadding(false)
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64')
}

function refused(run: () => unknown, message: RegExp, secrets: string[] = [sessionKey]): void {
  const error = expectError(run, 'provider_failed')
  assert.match(error.message, message)
  assertRevealsNone(error, secrets)
}

describe('checkRawDataSignature', () => {
  const rawData = JSON.stringify({ nickName: 'Alice', gender: 2 })

  it('holds for sha1(rawData + sessionKey) in hex, either case', () => {
    assert.equal(checkRawDataSignature(rawData, signRawData(rawData, sessionKey), sessionKey), true)
    assert.equal(checkRawDataSignature(rawData, signRawData(rawData, sessionKey).toUpperCase(), sessionKey), true)
  })

  it('fails for another key, changed data, or a signature that is not 40 hex digits', () => {
    const signature = signRawData(rawData, sessionKey)
    assert.equal(checkRawDataSignature(rawData, signature, randomBytes(16).toString('base64')), false)
    assert.equal(checkRawDataSignature(rawData.replace('Alice', 'Mallory'), signature, sessionKey), false)
    for (const bad of ['', signature.slice(1), `${signature}00`, `${signature.slice(1)}g`]) assert.equal(checkRawDataSignature(rawData, bad, sessionKey), false, bad)
  })
})

describe('decryptUserData', () => {
  it('decrypts what WeChat encrypts with the session key, watermark included', () => {
    const { encryptedData, iv } = encryptUserData(USER, sessionKey, APP_ID)
    const data = decryptUserData(encryptedData, iv, sessionKey, APP_ID)
    assert.equal(data.nickName, '爱丽丝')
    assert.equal(data.unionId, 'u-alice')
    assert.equal((data.watermark as { appid: string }).appid, APP_ID)
  })

  it('refuses data whose watermark names another app', () => {
    const { encryptedData, iv } = encryptUserData(USER, sessionKey, 'wx-another-app')
    refused(() => decryptUserData(encryptedData, iv, sessionKey, APP_ID), /watermark names another app/)
  })

  it('refuses tampered ciphertext, a tampered iv, and another session key', () => {
    const { encryptedData, iv } = encryptUserData(USER, sessionKey, APP_ID)
    const last = Buffer.from(encryptedData, 'base64').length - 1
    refused(() => decryptUserData(flip(encryptedData, last), iv, sessionKey, APP_ID), /does not decrypt/)
    refused(() => decryptUserData(flip(encryptedData, 0), iv, sessionKey, APP_ID), /does not decrypt/)
    // The iv's first byte turns `{` into `z`: the JSON breaks.
    refused(() => decryptUserData(encryptedData, flip(iv, 0), sessionKey, APP_ID), /does not decrypt to JSON/)
    const otherKey = randomBytes(16).toString('base64')
    refused(() => decryptUserData(encryptedData, iv, otherKey, APP_ID), /does not decrypt/, [sessionKey, otherKey])
  })

  it('refuses wrong padding, and padding that holds no JSON object', () => {
    const iv = randomBytes(16)
    const badPadding = Buffer.concat([Buffer.from('{"watermark":{}}'), Buffer.alloc(16, 0x11)])
    refused(() => decryptUserData(encryptRaw(badPadding, sessionKey, iv), iv.toString('base64'), sessionKey, APP_ID), /does not decrypt with this session key/)
    const notAnObject = Buffer.concat([Buffer.from('[1,2,3]'), Buffer.alloc(9, 9)])
    refused(() => decryptUserData(encryptRaw(notAnObject, sessionKey, iv), iv.toString('base64'), sessionKey, APP_ID), /not a JSON object|to a JSON object/)
  })

  it('refuses bad base64 and wrong lengths of key, iv and data', () => {
    const { encryptedData, iv } = encryptUserData(USER, sessionKey, APP_ID)
    refused(() => decryptUserData(`${encryptedData.slice(0, -4)}!!!!`, iv, sessionKey, APP_ID), /encryptedData is not base64/)
    refused(() => decryptUserData(encryptedData, randomBytes(12).toString('base64'), sessionKey, APP_ID), /iv is not 16 bytes/)
    refused(() => decryptUserData(encryptedData, iv, randomBytes(24).toString('base64'), APP_ID), /session key is not 16 bytes/)
    refused(() => decryptUserData(encryptedData, iv, `${sessionKey.slice(0, -2)}`, APP_ID), /session key is not base64/)
    refused(() => decryptUserData(Buffer.from(encryptedData, 'base64').subarray(1).toString('base64'), iv, sessionKey, APP_ID), /whole AES blocks/)
    refused(() => decryptUserData('', iv, sessionKey, APP_ID), /whole AES blocks/)
    refused(() => decryptUserData(undefined as unknown as string, iv, sessionKey, APP_ID), /encryptedData is not base64/)
  })
})
