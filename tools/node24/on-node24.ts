// Each test file of jest.node24.config.js starts here: fails on other Nodes.
if (!process.version.startsWith('v24.')) {
  throw new Error(
    `jest.node24.config.js runs on Node 24, not ${process.version}: use \`npm run test:node24\``
  );
}
