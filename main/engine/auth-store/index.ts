// Folder entry point: `import { openAuthStore } from './auth-store/index.js'`.
export * from '../auth-store.js';
