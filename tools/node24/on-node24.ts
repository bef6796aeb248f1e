// Each test file of jest.node24.config.js starts here: on any other Node it fails at once.
if (!process.version.startsWith('v24.')) {
  throw new Error(
    `jest.node24.config.js runs on Node 24, not ${process.version}: use \`npm run test:node24\``
  );
}
