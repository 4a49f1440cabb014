// The linter (npm run lint, run by npm test before the suite): typescript-eslint's recommended rules.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'test-results/', '.bench/', 'tmp/', '.scratch/'] },
  {
    files: ['server/**/*.ts', 'db/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    extends: [eslint.configs.recommended, tseslint.configs.recommended],
    rules: {
      // a leading underscore marks what a signature needs but the body does not (Express's 4-argument error handler);
      // a rest sibling is how a field is left out of a copy
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
);
