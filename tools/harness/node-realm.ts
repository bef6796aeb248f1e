import { readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { runInThisContext } from 'node:vm';

/**
 * Node's own `process`. Under jest, `process` is a copy per test file with an
 * `env` of its own, which a bundle loaded by Node's loader does not read.
 */
export const nodeProcess = runInThisContext('process') as NodeJS.Process;

interface LoadableModule {
  filename: string;
  paths: string[];
  exports: unknown;
  _compile(code: string, filename: string): void;
}

const moduleStatics = Module as unknown as {
  _nodeModulePaths(dir: string): string[];
};

/**
 * Loads a CommonJS file as a new module instance with Node's loader (as the
 * Lambda runtime does), outside any cache, so its start-up code runs again
 * with the environment of the moment.
 */
export const loadFreshModule = (file: string): unknown => {
  const loaded = new Module(file) as unknown as LoadableModule;
  loaded.filename = file;
  loaded.paths = moduleStatics._nodeModulePaths(path.dirname(file));
  loaded._compile(readFileSync(file, 'utf8'), file);
  return loaded.exports;
};

/**
 * Sets variables on Node's environment, or on `env` (a jest test file's own
 * `process.env`, which modules it requires read); `undefined` removes one.
 * The result puts the old values back.
 */
export const setEnvironment = (
  variables: Readonly<Record<string, string | undefined>>,
  env: NodeJS.ProcessEnv = nodeProcess.env
): (() => void) => {
  const previous = Object.fromEntries(
    Object.keys(variables).map((name) => [name, env[name]])
  );
  const apply = (values: Readonly<Record<string, string | undefined>>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
  };
  apply(variables);
  return () => apply(previous);
};
