// Lint, run by `npm test` (and so by CI). Type-aware rules only where they catch real bugs: promises
// that are not awaited or handled, and awaits of things that are not promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/**/fixtures/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // ESTree nodes from the parser are untyped on purpose (AnyNode); the analysis narrows them where it reads them.
      '@typescript-eslint/no-explicit-any': 'off',
      // A tool that hunts hidden characters matches control characters on purpose.
      'no-control-regex': 'off',
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Only the CLI entry point (src/bin) ends the process; return an exit code instead.' }],
    },
  },
  { files: ['src/bin/**/*.ts'], rules: { 'no-restricted-properties': 'off' } },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', setInterval: 'readonly', fetch: 'readonly', URL: 'readonly' } } },
);
