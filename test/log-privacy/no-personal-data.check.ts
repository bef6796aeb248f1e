import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURE_DIR } from './capture';

/**
 * Runs after the whole suite (see package.json "test") over every line the
 * test workers wrote to stdout and stderr: the bundle's and the handlers'
 * logs, metrics (EMF) and anything else printed.
 */

const ROOT = join(__dirname, '..', '..');
/** Where the test data is written: tests, the harness and the demo. */
const DATA_DIRS = ['test', 'tools', 'scripts'].map((dir) => join(ROOT, dir));
/** The project's own words, which its logs may rightly repeat. */
const CODE_DIRS = ['lambda', 'lib'].map((dir) => join(ROOT, dir));
/** A full phone number in E.164; masked ones (`********0100`) do not match. */
const FULL_NUMBER = /\+[1-9]\d{7,14}/;
/** Shorter literals ("STOP", "Hi") are words other lines may hold. */
const MIN_BODY_LENGTH = 12;
const STRING_LITERAL = /(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|json)$/.test(entry.name) ? [path] : [];
  });

const literalsIn = (dirs: readonly string[]): Set<string> => {
  const literals = new Set<string>();
  for (const file of dirs.flatMap(sourceFiles)) {
    for (const match of readFileSync(file, 'utf8').matchAll(STRING_LITERAL)) {
      literals.add(match[2] ?? '');
    }
  }
  return literals;
};

/** The fixed parts of the code's own strings, templates split at `${}`. */
const ownWords = (): string[] =>
  [...literalsIn(CODE_DIRS)].flatMap((literal) =>
    literal
      .split(/\$\{[^}]*\}/)
      .filter((part) => part.trim().length >= MIN_BODY_LENGTH)
  );

/** What the bridge itself reports: `<ErrorName> (HTTP <status>)`. */
const ERROR_DETAIL = /^\w+ \(HTTP \d{3}\)$/;

/**
 * Every sentence the test data spells out as a string literal (message
 * bodies among them), less the ones built from the code's own words, which
 * tests expect to see logged.
 */
const testBodies = (): Set<string> => {
  const own = ownWords();
  const bodies = new Set<string>();
  for (const literal of literalsIn(DATA_DIRS)) {
    const sentence =
      literal.length >= MIN_BODY_LENGTH &&
      / /.test(literal) &&
      /\p{L}{3}/u.test(literal) &&
      !literal.includes('${') &&
      !ERROR_DETAIL.test(literal);
    const ownReport = own.some(
      (word) => word.includes(literal) || literal.includes(word)
    );
    if (sentence && !ownReport) bodies.add(literal);
  }
  return bodies;
};

const capturedLines = (): { file: string; line: string }[] =>
  readdirSync(CAPTURE_DIR).flatMap((name) =>
    readFileSync(join(CAPTURE_DIR, name), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => ({ file: name, line }))
  );

describe('log privacy across the whole test suite', () => {
  const lines = capturedLines();
  const bodies = testBodies();

  it('captures the log lines the suite emitted', () => {
    // Assess: the suite's handlers log on every message
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.some(({ line }) => line.includes('"inboundMessageId"'))).toBe(
      true
    );
  });

  it('finds the message bodies of the test data', () => {
    // Assess: guards the check below against reading no test data
    expect(bodies.size).toBeGreaterThan(10);
  });

  it('logs no full phone number', () => {
    // Act
    const leaks = lines.filter(({ line }) => FULL_NUMBER.test(line));

    // Assess
    expect(leaks.slice(0, 5)).toEqual([]);
  });

  it('logs no message body from the test data', () => {
    // Act
    const leaks = lines.flatMap(({ file, line }) =>
      [...bodies]
        .filter(
          (body) =>
            line.includes(body) ||
            line.includes(JSON.stringify(body).slice(1, -1))
        )
        .map((body) => ({ file, body, line: line.slice(0, 300) }))
    );

    // Assess
    expect([...new Set(leaks.map(({ body }) => body))]).toEqual([]);
  });
});
