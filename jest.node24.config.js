/**
 * The tests that load the bundles `cdk synth` builds, again on Node 24 (the
 * Node of the functions' runtime, nodejs24.x); `npm test` runs it through
 * tools/node24/jest.ts. It has no global setup, so the logs the first run
 * captured stay for the log check that follows.
 * @type {import('jest').Config}
 */
const { globalSetup: _clearsCapturedLogs, ...base } = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/e2e', '<rootDir>/test/fault-injection'],
  testMatch: ['**/e2e/**/*.test.ts', '**/fault-injection.test.ts'],
  setupFiles: ['<rootDir>/tools/node24/on-node24.ts'],
};
