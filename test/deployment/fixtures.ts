/**
 * What the deployment tests share: a migrated schema to start server processes on, and a client
 * that registers, signs in and reads over plain HTTP, recording answers (never throwing on them).
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { createTestSchema, POSTGRES_URL, type TestSchema } from '../helpers/postgres.js'
import type { RouterProcessConfig } from '../helpers/router-processes.js'
import { CLIENT_ID, PASSWORD } from '../helpers/test-app.js'
import { ask, type Answer } from '../helpers/traffic.js'

export interface MigratedSchema extends TestSchema {
  /** A server process's config on this schema, with `redis`, a key prefix and one secret for all. */
  processConfig(redis: RouterProcessConfig['redis'], keyPrefix?: string, options?: RouterProcessConfig['options']): RouterProcessConfig
}

/** A fresh schema with the users table (migrated once here, so that no two processes race to). */
export async function migratedSchema(label: string, connectionString = POSTGRES_URL): Promise<MigratedSchema> {
  const schema = await createTestSchema(label, connectionString)
  const store = new PostgresUserStore({ connectionString, schema: schema.schema })
  await store.migrate()
  await store.close()
  const secret = randomBytes(24).toString('hex')
  return Object.assign(schema, {
    processConfig: (redis: RouterProcessConfig['redis'], keyPrefix = `test:${label}:`, options?: RouterProcessConfig['options']) => ({
      databaseUrl: connectionString,
      schema: schema.schema,
      redis,
      keyPrefix,
      secret,
      clientId: CLIENT_ID,
      ...(options ? { options } : {}),
    }),
  })
}

export interface ServerUsers {
  /** Registers by username (asserting 201). */
  register(username: string, password?: string): Promise<{ id: number; token: string }>
  /** The registration's answer, and its body. */
  tryRegister(username: string): Promise<Answer & { id?: number }>
  /** Signs in; on 201 reads the user with the new token: one or two answers. */
  signInAndRead(username: string): Promise<Answer[]>
  /** Reads user `id` with `token`. */
  read(id: number, token: string): Promise<Answer>
}

export function createServerUsers(url: string): ServerUsers {
  const headers = { 'x-hydrogen-client-id': CLIENT_ID }
  const auth = (token: string) => ({ ...headers, authorization: `Hydrogen-r1 ${token}` })
  const read = (id: number, token: string) => ask(`${url}/hserve/v2.2/user/info/${id}/`, { headers: auth(token) })
  return {
    async register(username, password = PASSWORD) {
      const res = await fetch(`${url}/hserve/v2.1/register/username/`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      })
      const body = (await res.json()) as { id: number; token: string }
      assert.equal(res.status, 201, JSON.stringify(body))
      return body
    },
    async tryRegister(username) {
      let id: number | undefined
      const answer = await ask(`${url}/hserve/v2.1/register/username/`, { method: 'POST', headers, body: { username, password: PASSWORD } }, (body) => {
        id = (body as { id?: number }).id
      })
      return { ...answer, ...(id === undefined ? {} : { id }) }
    },
    async signInAndRead(username) {
      let token: string | undefined
      let id: number | undefined
      const signIn = await ask(`${url}/hserve/v2.1/login/username/`, { method: 'POST', headers, body: { username, password: PASSWORD } }, (body) => {
        ;({ token, id } = body as { token?: string; id?: number })
      })
      return signIn.status === 201 && token && id ? [signIn, await read(id, token)] : [signIn]
    },
    read,
  }
}
