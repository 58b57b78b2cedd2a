// Type-checked ESLint for the whole workspace; packages/domain is kept free of I/O and frameworks.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      'services/cli/dist/**',
      'data/**',
      'coverage/**',
      'test-output/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A default branch is a decision too (zod's issue codes, say); a missing case without one is the error.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // Nest and mongoose type their option objects as classes; their own documentation passes plain objects.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // NestJS modules are decorated classes without instance members.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='parseFloat']", message: 'Money is never a JS number.' },
      ],
    },
  },
  {
    files: ['packages/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'net', 'http', 'child_process', 'os'],
              message: 'The domain core does no I/O (node:crypto alone is allowed for SHA-256).',
            },
            {
              group: ['kafkajs', 'mongoose', '@nestjs/*', 'better-sqlite3', 'pino'],
              message: 'The domain core knows no infrastructure.',
            },
          ],
          paths: [],
        },
      ],
    },
  },
  {
    files: ['packages/domain/src/hash-chain.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests parse JSON output into the shape they assert on.
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
    },
  },
);
