// Flat config: typescript-eslint with a few type-aware rules that catch the bugs this
// code is prone to (forgotten promises in socket handlers), plus runtime boundaries: each file
// may import only what its runtime has (engine: Node, no Electron; preload: Electron's sandboxed
// preload; renderer: the DOM).
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'stream', 'events', 'url', 'util', 'zlib'];

export default tseslint.config(
  { ignores: ['dist/**', '.build/**', 'node_modules/**', 'out/**', 'scripts/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's test()/describe() return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine and the local API run headless under plain Node: they must never reach for Electron.
    files: ['main/engine/**/*.ts', 'main/api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'main/engine and main/api are Electron-free: put Electron code in main/ adapters.' }],
        patterns: [{ group: ['electron/*', 'electron-store'], message: 'main/engine and main/api are Electron-free.' }],
      }],
    },
  },
  {
    // Shared by main, preload and renderer: nothing runtime-specific.
    files: ['main/ipc/contract.ts', 'main/ipc/channels.ts', 'main/settings/schema.ts', 'main/presenters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The IPC contract is shared with the renderer: no Electron here.' }],
        patterns: [{ group: NODE_BUILTINS, message: 'The IPC contract is shared with the renderer: no Node built-ins.' }],
      }],
    },
  },
  {
    // A sandboxed preload can require only `electron`; everything else must be bundled and pure.
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: NODE_BUILTINS, message: 'The preload is sandboxed: no Node built-ins.' },
          { group: ['../main/*', '!../main/ipc', '../main/ipc/*', '!../main/ipc/contract.js', '!../main/ipc/channels.js'], message: 'The preload may import only the IPC contract from main/.' },
        ],
      }],
    },
  },
  {
    // The page: DOM only. It talks to main through window.keeper, never Electron or Node.
    files: ['renderer/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './tsconfig.renderer.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer reaches main only through window.keeper (the preload).' }],
        patterns: [
          { group: NODE_BUILTINS, message: 'The renderer runs in the page: no Node built-ins.' },
          {
            group: ['../main/*/*', '../../main/*/*', '!**/main/ipc/contract.js', '!**/main/settings/schema.js', '!**/main/presenters/*.js', '!**/main/engine/types.js', '!**/main/engine/settings-schema.js', '!**/main/engine/session-age.js'],
            message: 'The renderer may import only pure shared modules (IPC contract, settings schema, engine types).',
          },
        ],
      }],
    },
  },
);
