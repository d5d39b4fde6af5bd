import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The ground floor stands on nothing above it: these folders of src/ may import
 * each other and packages, never a feature. An allow-list, so a new feature
 * folder is a feature without a change here. Above src/ they may reach only the
 * migrations (the database's schema). A relative import is judged by how far it
 * climbs, which depends on how deep the file is: one block per depth.
 */
const GROUND_FLOOR = ['common', 'config', 'database', 'lifecycle', 'logging'];
const groundFloorOnly = (depth) => {
  const ground = `(${GROUND_FLOOR.join('|')})(/|$)`;
  const toSrc = `(\\.\\./){${depth}}`;
  const forbidden = [
    `^${toSrc}(?!${ground})[^./]`, // ../../bookings/...: a folder (or file) of src/ that is not ground floor
    `^${toSrc}\\.\\./(?!migrations(/|$))`, // above src/, except the migrations
    `^src/(?!${ground})`, // the same through tsconfig's baseUrl
  ];
  return {
    files: [`src/{${GROUND_FLOOR.join(',')}}/${'*/'.repeat(depth - 1)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: forbidden.join('|'),
              message: `src/{${GROUND_FLOOR.join(',')}} is the ground floor: it imports only itself and packages, never a feature. Pass in what it needs (a parameter, or a port that the feature provides).`,
            },
          ],
        },
      ],
    },
  };
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', 'openapi/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // The web app runs in browsers.
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['bench/**/*.js', 'scripts/**/*.js', 'test/fixtures/**/*.js', 'test/setup/*.js', '*.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
  ...[1, 2, 3, 4, 5, 6].map(groundFloorOnly),
  {
    // One clock: a rule that depends on the time (an expiry, a window, a show's start) reads the injected
    // Clock, which SQL receives as a parameter, so tests can move time and the database agrees. What measures
    // a duration for a log line or a timeout may read the wall clock: its folders are exempt here, and a
    // single such line elsewhere says so with `// eslint-disable-next-line no-restricted-syntax -- <why>`.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts', 'src/common/clock.ts', 'src/lifecycle/**', 'src/database/embedded/**', 'src/seed.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Date.now() is the wall clock: take the time from the injected Clock (src/common/clock.ts) and pass it into SQL.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'new Date() is the wall clock: take the time from the injected Clock (src/common/clock.ts) and pass it into SQL.',
        },
      ],
    },
  },
);
