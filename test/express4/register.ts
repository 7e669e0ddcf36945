/**
 * `node --import ./dist/test/express4/register.js --test ...` runs the suite on Express 4: it
 * registers the resolve hook that maps `express` to the `express4` alias, in this process and (the
 * test runner passes `--import` on) in every test file's process.
 */
import { register } from 'node:module'

register('./hooks.js', import.meta.url)
process.env.EXPRESS_MAJOR = '4'
