import { Console } from 'node:console';
import { relative } from 'node:path';
import NodeEnvironment from 'jest-environment-node';
import { appendToCapture } from './log-privacy/capture';

/**
 * The jest environment of every test file. What the file writes to stdout
 * and stderr (the bundles' logs and metrics, SDK and CDK warnings, esbuild's
 * report, `console`) is appended to the log-privacy capture and held per
 * test; it is printed only for a test that fails, so a passing run prints
 * jest's summary alone. `TEST_OUTPUT=show` prints everything as it comes.
 * https://jestjs.io/docs/configuration#testenvironment-string
 */

type Write = typeof process.stdout.write;

/** The parts of jest-circus's events and state read here. */
interface CircusTest {
  readonly name: string;
  readonly errors: readonly unknown[];
  readonly parent?: CircusTest;
}
type CircusEvent =
  | { readonly name: 'test_start' | 'test_done'; readonly test: CircusTest }
  | { readonly name: string };
interface CircusState {
  readonly unhandledErrors: readonly unknown[];
}

const SHOW = process.env.TEST_OUTPUT === 'show';

const fullName = (test: CircusTest): string => {
  const names: string[] = [];
  for (let at: CircusTest | undefined = test; at; at = at.parent) {
    if (at.parent) names.unshift(at.name);
  }
  return names.join(' › ');
};

const asText = (chunk: unknown): string =>
  typeof chunk === 'string'
    ? chunk
    : Buffer.from(chunk as Uint8Array).toString('utf8');

export default class QuietEnvironment extends NodeEnvironment {
  private readonly testPath: string;
  /** Output outside any test: module loading, beforeAll, afterAll. */
  private fileOutput: string[] = [];
  /** Output of the running test, from its beforeEach hooks on. */
  private testOutput: string[] | undefined;
  private writes: Write[] = [];

  constructor(...args: ConstructorParameters<typeof NodeEnvironment>) {
    super(...args);
    this.testPath = relative(args[0].globalConfig.rootDir, args[1].testPath);
  }

  override async setup(): Promise<void> {
    await super.setup();
    const streams = [process.stdout, process.stderr];
    this.writes = streams.map((stream) => stream.write);
    streams.forEach((stream, index) => {
      const write = this.writes[index] as Write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        appendToCapture(chunk as string | Uint8Array);
        if (SHOW) return Reflect.apply(write, stream, [chunk, ...rest]);
        (this.testOutput ?? this.fileOutput).push(asText(chunk));
        const callback = rest.find((arg) => typeof arg === 'function');
        if (callback) process.nextTick(callback as () => void);
        return true;
      }) as Write;
    });
    // jest's console reports after the file, outside the streams; this one
    // writes to them, so what tests and the code they import log is held too.
    this.global.console = new Console({
      stdout: process.stdout,
      stderr: process.stderr,
    });
  }

  override async teardown(): Promise<void> {
    // Node prints a warning on a later tick, which a chain of promises (the
    // end of a file's run) puts off: let it reach the wrapped streams.
    await new Promise((resolve) => setImmediate(resolve));
    const [stdout, stderr] = this.writes;
    if (stdout && stderr) {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    }
    await super.teardown();
  }

  handleTestEvent(event: CircusEvent, state: CircusState): void {
    if (event.name === 'test_start') this.testOutput = [];
    if (event.name === 'test_done' && 'test' in event) {
      const failed = event.test.errors.length > 0;
      if (failed) this.print(fullName(event.test), this.testOutput ?? []);
      this.testOutput = undefined;
    }
    // A failing beforeAll fails each test under it; a failing afterAll, the
    // file, which leaves no test to print with.
    if (event.name === 'run_finish' && state.unhandledErrors.length > 0) {
      this.print('the file, outside its tests', []);
    }
  }

  /** Prints the file's output not yet shown, then the test's. */
  private print(what: string, testOutput: readonly string[]): void {
    const text = [...this.fileOutput, ...testOutput].join('');
    this.fileOutput = [];
    const stderr = this.writes[1];
    if (text === '' || !stderr) return;
    const end = text.endsWith('\n') ? '' : '\n';
    Reflect.apply(stderr, process.stderr, [
      `\n── Output of ${what} (${this.testPath}) ──\n${text}${end}── End of output ──\n`,
    ]);
  }
}
