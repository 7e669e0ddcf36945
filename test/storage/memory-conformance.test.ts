import { MemoryUserStore } from '../../adapters/memory/index.js'
import { describeUserStoreConformance } from '../../src/testing/index.js'

describeUserStoreConformance('MemoryUserStore', () => new MemoryUserStore())
