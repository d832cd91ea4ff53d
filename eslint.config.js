// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Simulation code must be deterministic: virtual time and named seeded streams only.
const determinism = {
  'no-restricted-properties': [
    'error',
    {
      object: 'Math',
      property: 'random',
      message: 'Use a named RandomStream from the Simulation (determinism).',
    },
    {
      object: 'Date',
      property: 'now',
      message: 'Use the virtual clock (sim.now), not wall time (determinism).',
    },
    {
      object: 'performance',
      property: 'now',
      message: 'Use the virtual clock, not wall time (determinism).',
    },
    { object: 'process', property: 'hrtime', message: 'Use the virtual clock, not wall time (determinism).' },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Schedule on the kernel (sim.after) instead (determinism).' },
    { name: 'setInterval', message: 'Schedule on the kernel instead (determinism).' },
    { name: 'setImmediate', message: 'Schedule on the kernel instead (determinism).' },
    { name: 'performance', message: 'Use the virtual clock, not wall time (determinism).' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date']",
      message: 'Use the virtual clock, not new Date() (determinism).',
    },
  ],
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'node:timers', message: 'Schedule on the kernel instead (determinism).' },
        { name: 'node:perf_hooks', message: 'Use the virtual clock (determinism).' },
        {
          name: 'rxjs',
          importNames: [
            'asyncScheduler',
            'asapScheduler',
            'queueScheduler',
            'animationFrameScheduler',
            'interval',
          ],
          message: 'Pass the simulation scheduler (sim.scheduler) instead (determinism).',
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'docs/api/**', 'coverage/**', '.knsim-out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  // Simulation packages: everything under packages/*/src except the CLI and the benchmarks,
  // which legitimately read the wall clock (progress bars, timings).
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/cli/src/**', 'packages/bench/src/**'],
    rules: determinism,
  },
);
