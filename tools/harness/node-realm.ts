import Module from 'node:module';
import { runInThisContext } from 'node:vm';

/**
 * Node's own `process`. Under jest, `process` is a copy per test file with an
 * `env` of its own, which a bundle loaded by Node's loader does not read.
 */
export const nodeProcess = runInThisContext('process') as NodeJS.Process;

/** Loads a CommonJS file with Node's loader, outside any cache, as Lambda would. */
export const loadFreshModule = (file: string): unknown => {
  const loaded = new Module(file) as Module & {
    load(file: string): void;
  };
  loaded.load(file);
  return loaded.exports;
};

/** Sets (`undefined`: removes) variables of `env`; the result puts the old values back. */
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
