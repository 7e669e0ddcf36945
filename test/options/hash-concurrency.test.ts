/**
 * The default of `password.maxConcurrentHashes` follows the machine: one hash per core, never every
 * thread of libuv's pool, whose size is read from `UV_THREADPOOL_SIZE` as libuv reads it.
 */
import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { describe, it } from 'node:test'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { defaultConcurrentHashes, libuvThreadpoolSize } from '../../src/options-hash-concurrency.js'
import { parseOptions } from '../../src/options.js'

describe('the default number of hashes at once', () => {
  it('is one per core while libuv keeps a thread free of hashes', () => {
    assert.equal(defaultConcurrentHashes(1, 4), 1)
    assert.equal(defaultConcurrentHashes(2, 4), 2)
    assert.equal(defaultConcurrentHashes(3, 4), 3)
  })

  it("stops one short of libuv's pool, however many cores", () => {
    assert.equal(defaultConcurrentHashes(4, 4), 3)
    assert.equal(defaultConcurrentHashes(16, 4), 3)
    assert.equal(defaultConcurrentHashes(16, 16), 15)
    assert.equal(defaultConcurrentHashes(16, 17), 16)
    assert.equal(defaultConcurrentHashes(16, 64), 16)
  })

  it('is at least 1, with a pool of one or two threads', () => {
    assert.equal(defaultConcurrentHashes(8, 1), 1)
    assert.equal(defaultConcurrentHashes(8, 2), 1)
  })

  it('is at most 64, the largest value the option takes', () => {
    assert.equal(defaultConcurrentHashes(256, 1024), 64)
  })
})

describe("libuv's pool size, read from UV_THREADPOOL_SIZE", () => {
  it('is 4 when unset', () => {
    assert.equal(libuvThreadpoolSize(undefined), 4)
  })

  it('takes the leading digits, as C atoi does', () => {
    assert.equal(libuvThreadpoolSize('16'), 16)
    assert.equal(libuvThreadpoolSize(' 8'), 8)
    assert.equal(libuvThreadpoolSize('+6'), 6)
    assert.equal(libuvThreadpoolSize('12 threads'), 12)
    assert.equal(libuvThreadpoolSize('007'), 7)
  })

  it('is 1 for 0, an empty value or one without leading digits', () => {
    for (const value of ['0', '', 'sixteen', ' ', '-0']) assert.equal(libuvThreadpoolSize(value), 1, JSON.stringify(value))
  })

  it('is at most 1024; a negative value wraps, unsigned, to the most', () => {
    assert.equal(libuvThreadpoolSize('1024'), 1024)
    assert.equal(libuvThreadpoolSize('1025'), 1024)
    assert.equal(libuvThreadpoolSize('99999999999999999999'), 1024)
    assert.equal(libuvThreadpoolSize('-2'), 1024)
  })
})

describe('the parsed options', () => {
  const parse = (password = {}) => parseOptions({ storage: new MemoryUserStore(), clients: ['c'], password }).password.maxConcurrentHashes

  it("take the default from this machine's cores and UV_THREADPOOL_SIZE", () => {
    const before = process.env.UV_THREADPOOL_SIZE
    try {
      for (const size of ['1', '2', '3', '9']) {
        process.env.UV_THREADPOOL_SIZE = size
        assert.equal(parse(), defaultConcurrentHashes(availableParallelism(), Number(size)), `UV_THREADPOOL_SIZE=${size}`)
      }
      delete process.env.UV_THREADPOOL_SIZE
      assert.equal(parse(), defaultConcurrentHashes(availableParallelism(), 4))
    } finally {
      if (before === undefined) delete process.env.UV_THREADPOOL_SIZE
      else process.env.UV_THREADPOOL_SIZE = before
    }
  })

  it('keep a value given, and refuse one out of range naming the option', () => {
    assert.equal(parse({ maxConcurrentHashes: 5 }), 5)
    assert.throws(() => parse({ maxConcurrentHashes: 65 }), /options\.password\.maxConcurrentHashes must be less than or equal to 64/)
    assert.throws(() => parse({ maxConcurrentHashes: 0 }), /options\.password\.maxConcurrentHashes must be greater than or equal to 1/)
  })
})
