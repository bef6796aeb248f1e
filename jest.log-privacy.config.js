/**
 * Runs after the main suite: reads what every test worker logged.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/log-privacy'],
  testMatch: ['**/*.check.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
  },
};
