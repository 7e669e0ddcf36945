/**
 * Seeded random users, list queries and profile updates, for the conformance suite and the
 * differential test. Values come from small pools so that filters match, sorts tie, and every
 * dialect trap (case, accents, CJK, quotes, SQL and JSON look-alikes, nulls) shows up often.
 */
import { INTERNAL_FIELDS, type ProfileFieldsOption } from '../model/fields.js'
import type { JsonObject, NewUser } from '../model/user.js'
import type { UpdateOperation } from '../query/update.js'

/** The custom fields every generated user may carry: one of each type. */
export const RANDOM_PROFILE_FIELDS: ProfileFieldsOption = {
  score: 'integer',
  rating: 'number',
  bio: 'string',
  vip: 'boolean',
  birthday: 'date',
  tags: { type: 'array', items: 'string' },
  mixed: 'array',
  meta: 'object',
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same data everywhere. */
export function createRandom(seed: number) {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const chance = (p: number) => next() < p
  const some = <T>(items: readonly T[], min: number, max: number): T[] => Array.from({ length: int(min, max) }, () => pick(items))
  return { next, int, pick, chance, some }
}
export type Random = ReturnType<typeof createRandom>

export const POOLS = {
  words: [
    'Tom',
    'tom',
    'TOM',
    'Tommy',
    'tim',
    'Émile',
    'émile',
    'Zoë',
    'zoe',
    '中文',
    '用户',
    'a',
    'A',
    'b',
    "O'Neil",
    "'; DROP TABLE users; --",
    '{"$ne": null}',
    '%_\\',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!',
    '😀 smile',
    'x y',
    '',
  ],
  countries: ['China', 'china', 'France', 'Ägypten', ''],
  integers: [-5, 0, 1, 2, 3, 7, 42, 1000, 2147483647],
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: a sample number with a fraction, not π
  numbers: [-2.5, -1, 0, 0.1, 0.2, 0.30000000000000004, 1, 1.5, 3.14159, 1e21],
  dates: ['2001-01-01T00:00:00.000Z', '2020-02-29T12:30:00.000Z', '2020-02-29T12:30:00.001Z', '1999-12-31T23:59:59.999Z', '2024-06-01T08:00:00.000Z'],
  tags: ['red', 'green', 'blue', 'Red', '1', 'true', '中'],
  mixed: ['1', 1, true, false, 0, 'true', 2.5, 'x'] as (string | number | boolean)[],
  metaKeys: ['a', 'b', 'c', 'a.b', 'with space', "q'uote", '$ne'],
  regexes: ['^To', 'm$', 'o+', '[a-c]', 'T.m', '(om|im)', '\\d', '^$', 'é', '(a+)+$', '^[^a-z]*$', '中'],
  createdAt: [1500000000, 1500000001, 1600000000, 1700000000, 1700000000],
}

/** A random user; identifiers are unique by construction (they carry `index`). */
export function randomUser(random: Random, index: number): NewUser {
  const { pick, chance, int, some } = random
  const profile: JsonObject = {}
  if (chance(0.7)) profile.score = pick(POOLS.integers)
  if (chance(0.7)) profile.rating = pick(POOLS.numbers)
  if (chance(0.7)) profile.bio = pick(POOLS.words)
  if (chance(0.7)) profile.vip = chance(0.5)
  if (chance(0.7)) profile.birthday = pick(POOLS.dates)
  if (chance(0.7)) profile.tags = some(POOLS.tags, 0, 4)
  if (chance(0.6)) profile.mixed = some(POOLS.mixed, 0, 4)
  if (chance(0.6)) profile.meta = Object.fromEntries(some(POOLS.metaKeys, 0, 3).map((k) => [k, pick([1, 'v', true, null, [1, 2], { n: 1 }])]))
  return {
    username: chance(0.8) ? `${pick(POOLS.words)}${chance(0.5) ? 'User' : 'user'}${index}` : null,
    email: chance(0.6) ? `${chance(0.5) ? 'Mail' : 'mail'}${index}@Example.com` : null,
    phone: chance(0.4) ? `1${int(3, 9)}${String(100000000 + index).slice(-9)}` : null,
    emailVerified: chance(0.3),
    phoneVerified: chance(0.3),
    nickname: pick(POOLS.words),
    avatar: chance(0.5) ? `https://example.com/a/${index}.png` : '',
    gender: int(0, 2),
    country: pick(POOLS.countries),
    city: pick(POOLS.words),
    language: pick(['zh_CN', 'en', '']),
    isAuthorized: chance(0.5),
    provider: chance(0.3) ? { wechat: { openid: `o${index}` } } : {},
    passwordHash: chance(0.5) ? `hash-${index}` : null,
    profile,
    createdAt: pick(POOLS.createdAt) + int(0, 3),
  }
}

type Condition = Record<string, unknown>

/** One random condition, as MinApp `where` JSON, valid for the field's type. */
function randomCondition(random: Random, idFilters: boolean): Condition {
  const { pick, some, chance } = random
  const choices: (() => Condition)[] = [
    () => ({ nickname: { [pick(['$eq', '$ne', '$lt', '$gte', '$contains', '$icontains'])]: pick(POOLS.words) } }),
    () => ({ nickname: { $in: some(POOLS.words, 1, 3) } }),
    () => ({ nickname: { $regex: pick(POOLS.regexes), ...(chance(0.4) ? { $options: 'i' } : {}) } }),
    () => ({ _username: { [pick(['$icontains', '$contains', '$eq', '$regex'])]: pick(['user', 'User1', '^tom', 'é']) } }),
    () => ({ _username: { $isnull: chance(0.5) } }),
    () => ({ _email: { $exists: chance(0.5) } }),
    () => ({ gender: pick([0, 1, 2]) }),
    () => (chance(0.5) ? { gender: { $ne: pick([0, 1, 2]) } } : { gender: { [pick(['$in', '$nin'])]: some([0, 1, 2], 1, 2) } }),
    () => ({ country: { $in: some(POOLS.countries, 1, 2) } }),
    () => ({ created_at: { [pick(['$gt', '$lte', '$eq', '$ne'])]: pick(POOLS.createdAt) + random.int(0, 3) } }),
    () => ({ is_authorized: chance(0.5) }),
    () => ({ _suspended: chance(0.5) ? chance(0.5) : { [pick(['$eq', '$ne'])]: chance(0.5) } }),
    () => ({ score: { [pick(['$eq', '$ne', '$lt', '$lte', '$gt', '$gte'])]: pick(POOLS.integers) } }),
    () => ({ score: { [pick(['$in', '$nin'])]: some(POOLS.integers, 1, 3) } }),
    () => ({ score: { [pick(['$isnull', '$exists'])]: chance(0.5) } }),
    () => ({ rating: { [pick(['$lt', '$gte', '$eq', '$ne'])]: pick(POOLS.numbers) } }),
    () => ({ bio: { [pick(['$contains', '$icontains', '$eq', '$gt'])]: pick([...POOLS.words, ...POOLS.regexes]) } }),
    () => ({ bio: { $regex: pick(POOLS.regexes), ...(chance(0.3) ? { $options: 'i' } : {}) } }),
    () => ({ vip: { [pick(['$eq', '$ne'])]: chance(0.5) } }),
    () => ({ birthday: { [pick(['$lt', '$gte', '$eq', '$ne'])]: pick(POOLS.dates) } }),
    () => ({ tags: { [pick(['$in', '$nin', '$all'])]: some(POOLS.tags, 1, 2) } }),
    () => ({ mixed: { [pick(['$in', '$nin', '$all'])]: some(POOLS.mixed, 1, 2) } }),
    () => ({ meta: { $has_key: pick(POOLS.metaKeys) } }),
    () => ({ meta: { $isnull: chance(0.5) } }),
  ]
  if (idFilters) {
    choices.push(() => (chance(0.5) ? { id: { [pick(['$gt', '$lt'])]: random.int(1, 60) } } : { id: { [pick(['$in', '$nin'])]: some([1, 2, 3, 5, 8, 13, 21], 1, 3) } }))
  }
  return pick(choices)()
}

function randomWhere(random: Random, depth: number, idFilters: boolean): Condition {
  if (depth >= 3 || random.chance(0.5)) return randomCondition(random, idFilters)
  const children = Array.from({ length: random.int(1, 3) }, () => randomWhere(random, depth + 1, idFilters))
  return { [random.chance(0.5) ? '$and' : '$or']: children }
}

const SORTABLE = ['nickname', 'created_at', 'gender', 'country', '_username', 'score', 'rating', 'bio', 'vip', 'birthday', 'is_authorized', 'id', 'updated_at']

/**
 * Random list parameters as a client would send them (strings), with a `where` and sometimes a
 * field filter. `idFilters` adds conditions on literal ids (stores whose ids start at 1 only).
 */
export function randomListParams(random: Random, { idFilters }: { idFilters: boolean }): Record<string, string> {
  const params: Record<string, string> = {}
  if (random.chance(0.85)) params.where = JSON.stringify(randomWhere(random, 0, idFilters))
  if (random.chance(0.2)) {
    const [name, value] = random.pick([
      ['nickname__contains', 'o'],
      ['gender', '1'],
      ['created_at__gt', '1600000000'],
      ['score__in', '1,2,3'],
      ['tags__all', 'red,blue'],
    ])!
    params[name] = value
  }
  const keys = random.some(SORTABLE, 0, 3)
  if (keys.length) params.order_by = keys.map((k) => (random.chance(0.5) ? '-' : '') + k).join(',')
  params.limit = String(random.pick([1, 2, 5, 10, 20, 50, 1000]))
  if (random.chance(0.6)) params.offset = String(random.int(0, 40))
  if (random.chance(0.5)) params.return_total_count = '1'
  return params
}

/** A random profile update body, as a client would send it. */
export function randomUpdateBody(random: Random): Record<string, unknown> {
  const { pick, chance, some } = random
  const ops: [string, () => unknown][] = [
    ['nickname', () => pick(POOLS.words)],
    ['gender', () => random.int(0, 2)],
    ['city', () => pick(POOLS.words)],
    ['score', () => pick([{ $incr_by: pick([1, -1, 5, 1000]) }, pick(POOLS.integers), null])],
    ['rating', () => pick([{ $incr_by: pick([0.1, 0.2, -1.5, 1e-7]) }, pick(POOLS.numbers)])],
    ['bio', () => pick([pick(POOLS.words), null])],
    ['vip', () => chance(0.5)],
    ['birthday', () => pick(POOLS.dates)],
    [
      'tags',
      () =>
        pick([
          { $append: some(POOLS.tags, 1, 3) },
          { $append_unique: some(POOLS.tags, 1, 3) },
          { $remove: some(POOLS.tags, 1, 2) },
          { $pop: pick([1, -1]) },
          some(POOLS.tags, 0, 3),
        ]),
    ],
    ['mixed', () => pick([{ $append_unique: some(POOLS.mixed, 1, 3) }, { $remove: some(POOLS.mixed, 1, 2) }, { $append: some(POOLS.mixed, 1, 2) }])],
    ['meta', () => pick([{ $update: { [pick(POOLS.metaKeys)]: pick([1, 'v', null, { deep: [1] }]) } }, { k: 'v' }])],
  ]
  const body: Record<string, unknown> = {}
  for (const [field, make] of some(ops, 1, 4)) body[field] = make()
  if (chance(0.15)) {
    const field = pick(['score', 'bio', 'tags', 'meta', 'nickname'])
    delete body[field]
    body.$unset = { [field]: '' }
  }
  return body
}

/** Sometimes a suspension or a resumption, as an operator's update adds it (users start unsuspended). */
export function randomSuspension(random: Random): UpdateOperation[] {
  return random.chance(0.3) ? [{ kind: 'set', field: INTERNAL_FIELDS.suspended, value: random.chance(0.7) }] : []
}
