/**
 * test/environment.ts holds each test's output (the bundles' logs, warnings)
 * and prints it only with the test's failure; `TEST_OUTPUT=show npx jest`
 * prints it all as it comes.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: '<rootDir>/test/environment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
  },
  globalSetup: '<rootDir>/test/log-privacy/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 60_000,
};
