export { MemoryUserStore } from './memory-user-store.js'
