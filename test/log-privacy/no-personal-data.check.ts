import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURE_DIR } from './capture';

/**
 * Runs after the whole suite (see package.json "test") over every line the
 * test workers wrote to stdout and stderr: the bundle's and the handlers'
 * logs, metrics (EMF) and anything else printed.
 */

const TEST_ROOT = join(__dirname, '..');
/** A full phone number in E.164; masked ones (`*******0100`) do not match. */
const FULL_NUMBER = /\+[1-9]\d{7,14}/;
/** Shorter bodies ("5", "STOP") are words our own log lines may hold. */
const MIN_BODY_LENGTH = 8;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|json)$/.test(entry.name) ? [path] : [];
  });

/** Every message body the test data spells out as a literal. */
const testBodies = (): Set<string> => {
  const literal =
    /(?:messageBody|Content|body)["']?\s*:\s*(["'`])((?:\\.|(?!\1).)*)\1/g;
  const bodies = new Set<string>();
  for (const file of sourceFiles(TEST_ROOT)) {
    for (const match of readFileSync(file, 'utf8').matchAll(literal)) {
      const body = match[2] ?? '';
      if (body.length >= MIN_BODY_LENGTH && !body.includes('${')) {
        bodies.add(body);
      }
    }
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
    expect(leaks.slice(0, 5)).toEqual([]);
  });
});
