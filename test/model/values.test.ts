import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { normalizePhone } from '../../src/model/identifiers.js'
import { compareStrings, normalizeDate } from '../../src/model/values.js'

describe('value rules', () => {
  it('orders strings by code point, like UTF-8 bytes', () => {
    const words = ['b', 'a', 'B', 'é', '中', '😀', '\uffff', 'ab', '']
    const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))
    assert.deepEqual([...words].sort(compareStrings), byBytes)
  })

  it('normalises ISO dates to UTC with milliseconds and refuses anything else', () => {
    assert.equal(normalizeDate('2020-01-01'), '2020-01-01T00:00:00.000Z')
    assert.equal(normalizeDate('2020-06-01T08:00:00+08:00'), '2020-06-01T00:00:00.000Z')
    for (const bad of ['yesterday', '2020-13-01', '1/2/2020', 1577836800, '0000-01-01', '']) assert.equal(normalizeDate(bad), null, String(bad))
  })

  it('normalises mainland and E.164 phones and refuses others', () => {
    assert.equal(normalizePhone('138 0013 8000'), '13800138000')
    assert.equal(normalizePhone('+86 138-0013-8000'), '13800138000')
    assert.equal(normalizePhone('008613800138000'), '13800138000')
    assert.equal(normalizePhone('+1 (415) 555-2671'), '+14155552671')
    for (const bad of ['12345', '12800138000', '+0123456789', 'phone', '+1234567890123456']) assert.equal(normalizePhone(bad), null, bad)
  })
})
