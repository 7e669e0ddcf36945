/**
 * How the store runs a statement with its time bound, on its own pool or on an app's pool.
 *
 * - Own pool: `statement_timeout` is a startup parameter of every connection, so a statement is one
 *   round trip.
 * - App pool: the app's sessions must not change, so the statement runs in a transaction that sets
 *   `statement_timeout` with `set_config(..., true)` (local to that transaction).
 *
 * Either way a client-side read timeout a little longer than the statement timeout catches a server
 * that stopped answering (a network partition), and the connection is then discarded.
 */
import { createHash } from 'node:crypto'
import pg from 'pg'
import { mapDriverError } from './errors.js'
import type { PostgresConfig } from './options.js'
import { TYPES } from './rows.js'

export type Row = Record<string, unknown>

/** One statement and its bound values. */
export interface Statement {
  readonly text: string
  readonly values: readonly unknown[]
  /** A prepared statement's name (see `preparedStatement`). */
  readonly name?: string | undefined
}

/**
 * A statement PostgreSQL parses and plans once per connection, then only binds and runs. Its name
 * is derived from its text, so stores sharing a pool (other schemas, other tables) never clash.
 */
export interface PreparedStatement {
  readonly name: string
  readonly text: string
}

export function preparedStatement(text: string): PreparedStatement {
  return { name: `eur_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`, text }
}

/** Extra wait, beyond the statement timeout, before the client gives up on a silent server. */
const READ_MARGIN_MS = 1000

export class Database {
  readonly pool: pg.Pool
  readonly ownsPool: boolean
  private readonly readTimeoutMs: number
  private ended = false

  constructor(private readonly config: PostgresConfig) {
    this.readTimeoutMs = config.statementTimeoutMs + READ_MARGIN_MS
    if (config.pool) {
      this.pool = config.pool
      this.ownsPool = false
    } else {
      this.pool = new pg.Pool({
        ...(config.connectionString === undefined ? {} : { connectionString: config.connectionString }),
        connectionTimeoutMillis: config.connectionTimeoutMs,
        statement_timeout: config.statementTimeoutMs,
        query_timeout: this.readTimeoutMs,
        keepAlive: true,
        application_name: 'express-user-router',
      })
      // An idle connection the server closed (restart, failover) is simply replaced by the pool;
      // without a listener the 'error' event would crash the process.
      this.pool.on('error', () => {})
      this.ownsPool = true
    }
  }

  /**
   * Runs one statement (prepared, unless the store is told not to prepare any); driver errors come
   * out mapped (`unavailable`, `*_taken`).
   */
  async query(statement: string | PreparedStatement, values: readonly unknown[] = []): Promise<Row[]> {
    const text = typeof statement === 'string' ? statement : statement.text
    // pg treats an undefined name as an unnamed statement.
    const name = typeof statement !== 'string' && this.config.preparedStatements ? statement.name : undefined
    try {
      // pg only reads `values`: no copy of them.
      if (this.ownsPool) return (await this.pool.query<Row>({ text, values: values as unknown[], types: TYPES, name })).rows
      const [rows] = await this.inTimedTransaction([{ text, values, name }], this.config.statementTimeoutMs)
      return rows!
    } catch (error) {
      throw mapDriverError(error, this.config.names)
    }
  }

  /**
   * Runs one statement in a transaction that lets it run for `timeoutMs` at most (a tighter bound
   * than the store's, for costly reads). Cancelled by that timeout, it comes out as `onTimeout()`;
   * other errors come out mapped.
   */
  async readWithTimeout(statement: Statement, timeoutMs: number, onTimeout: () => Error): Promise<Row[]> {
    try {
      const [rows] = await this.inTimedTransaction([statement], timeoutMs)
      return rows!
    } catch (error) {
      // 57014: the statement was cancelled, here by its statement_timeout.
      if ((error as { code?: unknown }).code === '57014') throw onTimeout()
      throw mapDriverError(error, this.config.names)
    }
  }

  /**
   * Runs statements one after another on ONE connection, in one transaction, each bounded by the
   * store's statement timeout; errors come out mapped.
   */
  async transaction(statements: readonly Statement[]): Promise<Row[][]> {
    try {
      return await this.inTimedTransaction(statements, this.config.statementTimeoutMs)
    } catch (error) {
      throw mapDriverError(error, this.config.names)
    }
  }

  /**
   * Runs `work` on one dedicated client (migrations); errors come out mapped. With its own pool the
   * store opens a separate connection without the pool's `statement_timeout`: however short that
   * is, even the migration's first statement must not be cut off.
   */
  async withClient<T>(work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
    let client: pg.ClientBase
    let release: (failure?: Error) => Promise<void> | void
    try {
      if (this.ownsPool) {
        const own = new pg.Client({
          ...(this.config.connectionString === undefined ? {} : { connectionString: this.config.connectionString }),
          connectionTimeoutMillis: this.config.connectionTimeoutMs,
          application_name: 'express-user-router',
        })
        await own.connect()
        client = own
        release = () => own.end().catch(() => {})
      } else {
        const pooled = await this.pool.connect()
        client = pooled
        // A failed client may be mid-transaction or disconnected: discard it rather than reuse it.
        release = (failure) => pooled.release(failure)
      }
    } catch (error) {
      throw mapDriverError(error, this.config.names)
    }
    let failure: Error | undefined
    try {
      return await work(client)
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error))
      throw mapDriverError(error, this.config.names)
    } finally {
      await release(failure)
    }
  }

  private async inTimedTransaction(statements: readonly Statement[], timeoutMs: number): Promise<Row[][]> {
    const client = await this.pool.connect()
    // Set when the client cannot be trusted any more: the pool then discards it instead of reusing it.
    let broken: Error | undefined
    try {
      await client.query('BEGIN')
      await client.query({ text: `SELECT set_config('statement_timeout', $1::text, true)`, values: [String(timeoutMs)] })
      const results: Row[][] = []
      for (const { text, values, name } of statements) {
        const query = { text, values: [...values], types: TYPES, query_timeout: timeoutMs + READ_MARGIN_MS, name } as pg.QueryConfig
        results.push((await client.query<Row>(query)).rows)
      }
      await client.query('COMMIT')
      return results
    } catch (error) {
      if (error instanceof Error && error.message === 'Query read timeout') {
        // The timed-out statement still occupies the connection; a ROLLBACK would queue behind it.
        broken = error
      } else {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError
        })
      }
      throw error
    } finally {
      client.release(broken)
    }
  }

  /** Ends the pool if the store created it; idempotent. */
  async end(): Promise<void> {
    if (!this.ownsPool || this.ended) return
    this.ended = true
    await this.pool.end()
  }
}
