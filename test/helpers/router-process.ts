/**
 * A server process as an application runs it (forked by `router-processes.ts`): Express with
 * `createUserRouter` mounted at the root, on `PostgresUserStore` (its own pool) and Redis (a URL,
 * so the router's own fail-fast client, or a Cluster's nodes). It answers `{type: 'ready', port}`
 * once it listens. Its table must exist already (the test migrates once, before starting any).
 */
import express from 'express'
import { Cluster } from 'ioredis'
import type { AddressInfo } from 'node:net'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { createUserRouter } from '../../src/index.js'
import { ROUTER_PROCESS_ENV, type RouterProcessConfig } from './router-processes.js'

const config = JSON.parse(process.env[ROUTER_PROCESS_ENV] ?? 'null') as RouterProcessConfig | null
if (!config || !process.send) throw new Error(`started by router-processes.ts (fork, ${ROUTER_PROCESS_ENV} set), not by hand`)

const store = new PostgresUserStore({ connectionString: config.databaseUrl, schema: config.schema })
const router = createUserRouter({
  storage: store,
  redis: 'url' in config.redis ? config.redis.url : new Cluster(config.redis.clusterNodes),
  keyPrefix: config.keyPrefix,
  secret: config.secret,
  clients: [config.clientId],
  password: { scrypt: { logN: 4 } },
  // Codes are not read back by these tests; a sender that only accepts keeps the output quiet.
  sms: { send: async () => {} },
  // These processes take load from one address (the test): registrations are not what they measure.
  rateLimits: { registrationsPerIpPerHour: false },
  ...config.options,
})
const app = express()
app.use(router)
const server = app.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port })
})
// The test process went away: never outlive it.
process.on('disconnect', () => process.exit(0))
