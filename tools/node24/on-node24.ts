/**
 * Each test file of jest.node24.config.js starts here: a run of that config
 * on any Node but 24 fails at once instead of passing on the wrong Node.
 */
if (!process.version.startsWith('v24.')) {
  throw new Error(
    `jest.node24.config.js runs on Node 24; this is ${process.version}. ` +
      'Run it with `npm run test:node24`.'
  );
}
