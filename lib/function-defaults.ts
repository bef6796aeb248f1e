import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every function of the bridge is built and run: the newest Node.js
 * runtime on Graviton, bundled by the local esbuild (no Docker), minified,
 * with source maps (without sources, to keep the asset small).
 */
export const FUNCTION_DEFAULTS = {
  runtime: lambda.Runtime.NODEJS_24_X,
  architecture: lambda.Architecture.ARM_64,
  bundling: {
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    target: 'node24',
    // Ship the SDK version the tests ran against, not the runtime's.
    bundleAwsSDK: true,
    // The SDK's ES modules rather than its CommonJS, so that esbuild leaves
    // out what the functions do not import: over a quarter of the inbound
    // bundle, which every cold start would read and compile.
    mainFields: ['module', 'main'],
  },
} as const satisfies Partial<nodejs.NodejsFunctionProps>;

/** Lets stack traces point at the TypeScript sources. */
export const SOURCE_MAPS_ENVIRONMENT = {
  NODE_OPTIONS: '--enable-source-maps',
} as const;
