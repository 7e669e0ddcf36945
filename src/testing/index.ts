export {
  describeUserStoreConformance,
  comparable,
  type ConformanceOptions,
  type ConformanceRunner,
  type UserStoreFactory,
} from './user-store-conformance.js'
export { createRandom, randomUser, randomListParams, randomUpdateBody, randomSuspension, RANDOM_PROFILE_FIELDS, type Random } from './random-data.js'
export {
  describeKeyValueStoreConformance,
  type KeyValueConformanceOptions,
  type KeyValueStoreFactory,
} from './key-value-conformance.js'
