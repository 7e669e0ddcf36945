/**
 * An in-memory `UserStore`: the reference implementation, for tests and for trying the library.
 * Everything happens synchronously inside each call, so every call is atomic.
 */
import { randomUUID } from 'node:crypto'
import { UserRouterError } from '../../src/errors.js'
import { checkNewIdentity, sortIdentities } from '../../src/model/identities.js'
import { identifierKey } from '../../src/model/identifiers.js'
import { type IndexableType, type IndexDeclaration, indexedFieldTypes, type IndexOptions, parseIndexOptions } from '../../src/model/indexed-fields.js'
import { withUserDefaults, type IdentifierKind, type Identity, type NewIdentity, type NewUser, type StoredUser } from '../../src/model/user.js'
import type { UserPage, UserStore } from '../../src/ports.js'
import { compareUsersBy, matchesFilter } from '../../src/query/evaluate-filter.js'
import { applyUpdate } from '../../src/query/evaluate-update.js'
import { hasRegex, type UserQuery } from '../../src/query/filter.js'
import { RegexBudget, RegexTurns } from '../../src/query/regex/index.js'
import type { UserChanges } from '../../src/query/update.js'

const IDENTIFIERS: readonly IdentifierKind[] = ['username', 'email', 'phone']

function uniqueKey(kind: IdentifierKind, value: string): string {
  return kind === 'phone' ? value : identifierKey(value)
}

/** Stored providers never contain NUL, so it separates the two parts unambiguously. */
function identityKey(provider: string, subject: string): string {
  return `${provider}\u0000${subject}`
}

/**
 * `indexedFields` and `indexes` are accepted, checked and reported like the SQL stores' so that an
 * app can switch stores without changing code; this store indexes nothing and scans every list.
 */
export type MemoryUserStoreOptions = IndexOptions

export class MemoryUserStore implements UserStore {
  private readonly users = new Map<number, StoredUser>()
  private readonly unique: Record<IdentifierKind, Map<string, number>> = {
    username: new Map(),
    email: new Map(),
    phone: new Map(),
  }
  /** The holder of each identity (provider and subject), the store's unique constraint on them. */
  private readonly identityOwners = new Map<string, number>()
  private nextId = 1
  private readonly regexTurns = new RegexTurns()
  /** Each instance holds its own users, so each is its own place. */
  private readonly place = `memory:${randomUUID()}`
  private readonly indexDeclaration: IndexDeclaration

  constructor(options: MemoryUserStoreOptions = {}) {
    if (options === null || typeof options !== 'object') throw new Error('MemoryUserStore options: must be an object')
    this.indexDeclaration = parseIndexOptions('MemoryUserStore', { indexedFields: options.indexedFields, indexes: options.indexes })
  }

  async createUser(input: NewUser): Promise<StoredUser> {
    return structuredClone(this.insertUser(input))
  }

  async createUserWithIdentity(input: NewUser, newIdentity: NewIdentity): Promise<StoredUser> {
    const identity = checkNewIdentity(newIdentity)
    // Checked before the user is inserted, with no await in between: a refused call leaves nothing behind.
    if (this.identityOwners.has(identityKey(identity.provider, identity.subject))) throw new UserRouterError('identity_taken')
    const user = this.insertUser(input)
    this.addIdentity(user, identity)
    return structuredClone(user)
  }

  async getUserById(id: number): Promise<StoredUser | null> {
    const user = this.users.get(id)
    return user ? structuredClone(user) : null
  }

  async getUserByIdentifier(kind: IdentifierKind, value: string): Promise<StoredUser | null> {
    const id = this.unique[kind].get(uniqueKey(kind, value))
    return id === undefined ? null : this.getUserById(id)
  }

  async getUserByIdentity(provider: string, subject: string): Promise<StoredUser | null> {
    const id = this.identityOwners.get(identityKey(provider, subject))
    return id === undefined ? null : this.getUserById(id)
  }

  async getUserByUnionId(unionId: string): Promise<StoredUser | null> {
    // Users are kept in id order, so the first holder has the lowest id.
    for (const user of this.users.values()) {
      if (user.identities.some((identity) => identity.unionId === unionId)) return structuredClone(user)
    }
    return null
  }

  async listUsers(query: UserQuery): Promise<UserPage> {
    // Regex work runs here on the event loop: regex lists take turns (see RegexTurns).
    return query.filter !== null && hasRegex(query.filter) ? this.regexTurns.run(async () => this.list(query)) : this.list(query)
  }

  private list(query: UserQuery): UserPage {
    const filter = query.filter
    // One budget for the whole query: its regex work is bounded, not only each value's.
    const budget = new RegexBudget()
    const matches = [...this.users.values()].filter((user) => filter === null || matchesFilter(user, filter, budget))
    matches.sort(compareUsersBy(query.order))
    const page = matches.slice(query.offset, query.offset + query.limit + 1)
    return {
      users: page.slice(0, query.limit).map((user) => structuredClone(user)),
      hasMore: page.length > query.limit,
      ...(query.count ? { totalCount: matches.length } : {}),
    }
  }

  async updateUser(id: number, changes: UserChanges): Promise<StoredUser | null> {
    const user = this.users.get(id)
    if (!user) return null
    const next = applyUpdate(user, structuredClone(changes))
    this.claimIdentifiers(next, user)
    this.users.set(id, next)
    return structuredClone(next)
  }

  async linkIdentity(userId: number, newIdentity: NewIdentity): Promise<StoredUser | null> {
    const identity = checkNewIdentity(newIdentity)
    const user = this.users.get(userId)
    if (!user) return null
    const owner = this.identityOwners.get(identityKey(identity.provider, identity.subject))
    if (owner !== undefined && owner !== userId) throw new UserRouterError('identity_taken')
    if (owner === undefined) this.addIdentity(user, identity)
    return structuredClone(user)
  }

  async unlinkIdentity(userId: number, provider: string, subject: string): Promise<StoredUser | null> {
    const user = this.users.get(userId)
    if (!user) return null
    const key = identityKey(provider, subject)
    if (this.identityOwners.get(key) === userId) {
      this.identityOwners.delete(key)
      user.identities = user.identities.filter((i) => i.provider !== provider || i.subject !== subject)
    }
    return structuredClone(user)
  }

  async deleteUser(id: number): Promise<StoredUser | null> {
    const user = this.users.get(id)
    if (!user) return null
    this.users.delete(id)
    for (const kind of IDENTIFIERS) {
      const value = user[kind]
      if (value !== null) this.unique[kind].delete(uniqueKey(kind, value))
    }
    for (const identity of user.identities) this.identityOwners.delete(identityKey(identity.provider, identity.subject))
    return structuredClone(user)
  }

  async close(): Promise<void> {}

  namespace(): string {
    return this.place
  }

  /** The declared indexed fields (nothing is indexed here: lists scan all users). */
  indexedFields(): Readonly<Record<string, IndexableType>> {
    return indexedFieldTypes(this.indexDeclaration)
  }

  private insertUser(input: NewUser): StoredUser {
    const user: StoredUser = { id: this.nextId, ...structuredClone(withUserDefaults(input)) }
    this.claimIdentifiers(user, null)
    this.nextId++
    this.users.set(user.id, user)
    return user
  }

  private addIdentity(user: StoredUser, identity: Identity): void {
    this.identityOwners.set(identityKey(identity.provider, identity.subject), user.id)
    user.identities = sortIdentities([...user.identities, identity])
  }

  /** Takes the user's identifiers in the unique indexes, or throws the conflict for the first one taken. */
  private claimIdentifiers(user: StoredUser, previous: StoredUser | null): void {
    for (const kind of IDENTIFIERS) {
      const value = user[kind]
      const owner = value === null ? undefined : this.unique[kind].get(uniqueKey(kind, value))
      if (owner !== undefined && owner !== user.id) throw new UserRouterError(`${kind}_taken`)
    }
    for (const kind of IDENTIFIERS) {
      const before = previous?.[kind] ?? null
      if (before !== null) this.unique[kind].delete(uniqueKey(kind, before))
      const value = user[kind]
      if (value !== null) this.unique[kind].set(uniqueKey(kind, value), user.id)
    }
  }
}
