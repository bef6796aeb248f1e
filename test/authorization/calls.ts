import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** One AWS API a function's bundle can call. */
export interface SdkCall {
  /** The SDK package without its scope, such as `client-connect`. */
  readonly client: string;
  /** The operation, such as `SendChatIntegrationEvent`. */
  readonly operation: string;
}

const ROOT = path.join(__dirname, '..', '..');
const COMMAND_DECLARATION =
  /@aws-sdk\/(client-[\w-]+)\/dist-types\/commands\/(\w+)Command\.d\.ts$/;
const COMMAND_IMPORT =
  /import\s*\{([^}]*)\}\s*from\s*['"]@aws-sdk\/(client-[\w-]+)['"]/g;

let program: ts.Program | undefined;

/** One type-checked program over the functions' sources, built once. */
const lambdaProgram = (files: readonly string[]): ts.Program => {
  if (program === undefined) {
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined }
    );
    if (config === undefined) throw new Error('cannot read tsconfig.json');
    const lambdaFiles = config.fileNames.filter((file) =>
      file.startsWith(path.join(ROOT, 'lambda'))
    );
    program = ts.createProgram([...lambdaFiles, ...files], config.options);
  }
  return program;
};

/** The SDK command a `new X(...)` constructs, if X is one. */
const commandOf = (
  checker: ts.TypeChecker,
  node: ts.NewExpression
): SdkCall | undefined => {
  let symbol = checker.getSymbolAtLocation(node.expression);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) {
    symbol = checker.getAliasedSymbol(symbol);
  }
  // A command destructured from a dynamic import is a variable whose type
  // is the command class.
  const declarations =
    symbol?.valueDeclaration && ts.isClassDeclaration(symbol.valueDeclaration)
      ? symbol.declarations
      : checker.getTypeAtLocation(node.expression).getSymbol()?.declarations;
  for (const declaration of declarations ?? []) {
    const match = COMMAND_DECLARATION.exec(
      declaration.getSourceFile().fileName
    );
    if (match) return { client: match[1] ?? '', operation: match[2] ?? '' };
  }
  return undefined;
};

/** The commands the bridge's own code constructs in one source file. */
const commandsInSource = (file: string): SdkCall[] => {
  const built = lambdaProgram([file]);
  const source = built.getSourceFile(file);
  if (source === undefined) throw new Error(`${file} is not in the program`);
  const checker = built.getTypeChecker();
  const found: SdkCall[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node)) {
      const call = commandOf(checker, node);
      if (call) found.push(call);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};

/** The commands a library file (Powertools) imports from an SDK client. */
const commandsInLibrary = (file: string): SdkCall[] =>
  [...readFileSync(file, 'utf8').matchAll(COMMAND_IMPORT)].flatMap(
    ([, names = '', client = '']) =>
      names
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name.endsWith('Command'))
        .map((name) => ({
          client,
          operation: name.slice(0, -'Command'.length),
        }))
  );

const unique = (calls: readonly SdkCall[]): SdkCall[] =>
  [
    ...new Map(
      calls.map((call) => [`${call.client}:${call.operation}`, call])
    ).values(),
  ].sort((a, b) =>
    `${a.client}:${a.operation}`.localeCompare(`${b.client}:${b.operation}`)
  );

/**
 * Every AWS API call a bundled function can make, read from what esbuild
 * put in the bundle (its source map's list of sources): the commands the
 * bridge's own files construct, found with the type checker, and those the
 * libraries in the bundle import. The SDK's own sources are left out; their
 * credential clients (STS, SSO) are not used on Lambda, where credentials
 * come from the environment.
 */
export const callsInBundle = (bundleDir: string): SdkCall[] => {
  const map = JSON.parse(
    readFileSync(path.join(bundleDir, 'index.js.map'), 'utf8')
  ) as { sources: string[] };
  const sources = map.sources.map((source) => path.resolve(bundleDir, source));
  const own = sources.filter((file) => !file.includes('node_modules'));
  const libraries = sources.filter(
    (file) =>
      file.includes(`node_modules${path.sep}@aws-lambda-powertools`) &&
      existsSync(file)
  );
  return unique([
    ...own.flatMap(commandsInSource),
    ...libraries.flatMap(commandsInLibrary),
  ]);
};

/**
 * The calls of the CDK Provider framework's onEvent function (CDK's own
 * code, bundled without a source map): it invokes the user function and
 * waits for it to be active. Any other SDK client it loads is reported, so
 * a new CDK version that calls something else fails the suite.
 */
export const callsInProviderFramework = (bundleDir: string): SdkCall[] => {
  const code = readdirSync(bundleDir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(path.join(bundleDir, file), 'utf8'))
    .join('\n');
  const clients = new Set(
    [...code.matchAll(/require\("@aws-sdk\/(client-[\w-]+)"\)/g)].map(
      ([, client]) => client
    )
  );
  const calls: SdkCall[] = [];
  if (/\.invoke\(/.test(code)) {
    calls.push({ client: 'client-lambda', operation: 'Invoke' });
  }
  if (/waitUntilFunctionActive/.test(code)) {
    calls.push({ client: 'client-lambda', operation: 'GetFunction' });
  }
  // Step Functions serves only providers with an isComplete handler, which
  // run a state machine; the suite checks the stack has none.
  for (const known of ['client-lambda', 'client-sfn']) clients.delete(known);
  if (clients.size > 0) {
    throw new Error(
      `the Provider framework loads clients this suite does not know: ${[...clients].join(', ')}`
    );
  }
  return calls;
};
