/** Tests are TypeScript run as ESM through ts-jest (transpile only; `tsc` type-checks in `npm run build`). */
export default {
  testEnvironment: 'node',
  // Jest 30's soft deletion of leaked globals wraps data properties with a setter that calls itself
  // (stack overflow in a later test file of the same worker, seen with vega/playwright); keep globals.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
};
