/**
 * Which Express the suite runs on: 5 by default, 4 when started through `register.js` (npm test runs
 * the HTTP suites both ways). Guards that the hook really swaps the library's Express, not only
 * the tests'.
 */
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { it } from 'node:test'
import express from 'express'

it(`the suite's express is the major version it claims (${process.env.EXPRESS_MAJOR ?? '5'})`, () => {
  const expected = process.env.EXPRESS_MAJOR ?? '5'
  const { version } = createRequire(import.meta.url)(expected === '4' ? 'express4/package.json' : 'express/package.json') as { version: string }
  assert.equal(version.split('.')[0], expected)
  // `express.query` exists in Express 4 only: the `express` this file imported is the claimed one.
  assert.equal(typeof (express as unknown as { query?: unknown }).query, expected === '4' ? 'function' : 'undefined')
})
