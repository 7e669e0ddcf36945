/**
 * What each scenario sends. Requests are a function of their number only (and of counters that run
 * across passes, so no phone or new username is ever used twice): the same settings send the same
 * requests.
 */
import type { LoadSpec } from './load.js'
import { CLIENT_ID, PASSWORD, usernameOf } from './config.js'
import type { CustomListSpecs } from './custom-list-scenarios.js'

export const PATHS = {
  reference: (id: number) => `/reference/user/${id}`,
  user: (id: number) => `/hserve/v2.2/user/info/${id}/`,
  /** The first page (20) of users of one gender, newest first: served by the (gender, created_at, id) index. */
  list: (gender: number, count: boolean) =>
    `/hserve/v2.2/user/info/?where=${encodeURIComponent(JSON.stringify({ gender }))}&order_by=-created_at${count ? '&return_total_count=1' : ''}`,
  login: '/hserve/v2.1/login/username/',
  referenceLogin: '/reference/login',
  register: '/hserve/v2.1/register/username/',
  sms: '/hserve/v2.2/sms-verification-code/',
} as const

export interface Target {
  routerUrl: string
  referenceUrl: string
  /** Ids of the seeded users, in order. */
  ids: number[]
  /** Tokens of signed-in users. */
  tokens: string[]
}

/** Spreads request n over the seeded users (a fixed stride through them). */
const pick = <T>(list: T[], n: number): T => list[(n * 7919) % list.length]!

/** Phones and usernames handed out so far, over the whole run. */
const counters = { phone: 0, user: 0 }

export function scenarioSpecs(target: Target) {
  const client = { 'x-hydrogen-client-id': CLIENT_ID }
  const json = { ...client, 'content-type': 'application/json' }
  const auth = (n: number) => ({ ...client, authorization: `Hydrogen-r1 ${target.tokens[n % target.tokens.length]}` })
  const base = (title: string, connections: number, seconds: number, url = target.routerUrl) => ({ title, url, connections, seconds })
  return {
    reference: (connections: number, seconds: number): LoadSpec => ({
      ...base('reference', connections, seconds, target.referenceUrl),
      request: (n) => ({ method: 'GET', path: PATHS.reference(pick(target.ids, n)), headers: auth(n) }),
    }),
    get: (title: string, connections: number, seconds: number): LoadSpec => ({
      ...base(title, connections, seconds),
      request: (n) => ({ method: 'GET', path: PATHS.user(pick(target.ids, n)), headers: auth(n) }),
    }),
    list: (count: boolean, connections: number, seconds: number): LoadSpec => ({
      ...base(count ? 'list-count' : 'list', connections, seconds),
      request: (n) => ({ method: 'GET', path: PATHS.list(n % 3, count), headers: auth(n) }),
    }),
    sms: (connections: number, seconds: number): LoadSpec => ({
      ...base('sms', connections, seconds),
      // 13x xxxx xxxx, one new phone per request.
      request: () => ({ method: 'POST', path: PATHS.sms, headers: json, body: JSON.stringify({ phone: String(13_000_000_000 + counters.phone++) }) }),
    }),
    register: (connections: number, seconds: number): LoadSpec => ({
      ...base('register', connections, seconds),
      timeoutSeconds: 30,
      request: () => ({ method: 'POST', path: PATHS.register, headers: json, body: JSON.stringify({ username: `bench-new-${counters.user++}`, password: PASSWORD }) }),
    }),
    login: (title: string, connections: number, seconds: number): LoadSpec => ({
      ...base(title, connections, seconds),
      timeoutSeconds: 30,
      request: (n) => ({ method: 'POST', path: PATHS.login, headers: json, body: JSON.stringify({ username: usernameOf((n * 7919) % target.ids.length), password: PASSWORD }) }),
    }),
    /** The same logins (same users, same order) to the reference app. */
    referenceLogin: (title: string, connections: number, seconds: number): LoadSpec => ({
      ...base(title, connections, seconds, target.referenceUrl),
      timeoutSeconds: 30,
      request: (n) => ({
        method: 'POST',
        path: PATHS.referenceLogin,
        headers: json,
        body: JSON.stringify({ username: usernameOf((n * 7919) % target.ids.length), password: PASSWORD }),
      }),
    }),
  }
}

export type ScenarioSpecs = ReturnType<typeof scenarioSpecs> & CustomListSpecs
