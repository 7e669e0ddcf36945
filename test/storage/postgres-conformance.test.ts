import { after, describe } from 'node:test'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { describeUserStoreConformance } from '../../src/testing/index.js'
import { createTestSchema, postgresUnavailable, type TestSchema } from '../helpers/postgres.js'

const unavailable = await postgresUnavailable()
const schemas: TestSchema[] = []
after(() => Promise.all(schemas.map((s) => s.drop())))

describe('PostgreSQL', { skip: unavailable ?? false }, () => {
  describeUserStoreConformance('PostgresUserStore', async () => {
    const test = await createTestSchema('conformance')
    schemas.push(test)
    const store = new PostgresUserStore({ connectionString: test.connectionString, schema: test.schema })
    await store.migrate()
    return store
  })
})
