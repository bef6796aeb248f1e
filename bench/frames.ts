import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageOf } from './bundle-size';
import { fromRoot } from './paths';

/** A V8 profile frame (CPU or sampling heap profile). */
export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  /** 0-based, where the function starts in the generated file. */
  readonly lineNumber: number;
  readonly columnNumber: number;
}

export interface Frame {
  /** Source file relative to the project, `node:...`, or `` for V8. */
  readonly file: string;
  /** 1-based line in that file, 0 when unknown. */
  readonly line: number;
  readonly name: string;
  readonly category: string;
}

/**
 * Who owns a piece of work, as the report groups it. The AWS SDK includes
 * what it bundles (Smithy, the CRC and hash helpers, the XML parser).
 */
export const categoryOf = (file: string): string => {
  if (file === '') return 'native';
  if (file.startsWith('node:')) return 'node';
  if (file.startsWith('lambda/')) return 'bridge (lambda/)';
  if (file.startsWith('bench/') || file.startsWith('tools/')) {
    return 'bench worker';
  }
  const name = packageOf(file);
  if (name === 'zod') return 'zod';
  // Powertools' idempotency layer marshals its records with it.
  if (name === '@aws-sdk/util-dynamodb') return 'util-dynamodb (marshall)';
  if (name.startsWith('@aws-lambda-powertools/')) {
    return `powertools/${name.slice('@aws-lambda-powertools/'.length)}`;
  }
  if (
    /^@(aws-sdk|smithy|aws-crypto|aws)\//.test(name) ||
    ['tslib', 'fast-xml-parser', 'strnum', 'bowser', 'uuid'].includes(name)
  ) {
    return 'AWS SDK';
  }
  return `other: ${name}`;
};

/**
 * Resolves profile frames in a minified bundle to the original source
 * through the bundle's source map, and names them: the map's name, else
 * the declaration on the original line, else V8's (minified) name.
 */
export class FrameResolver {
  constructor(
    private readonly categorize: (file: string) => string = categoryOf
  ) {}

  private readonly maps = new Map<string, SourceMap | null>();
  private readonly sources = new Map<string, string[] | null>();
  private readonly resolved = new Map<string, Frame>();

  resolve(frame: CallFrame): Frame {
    const key = `${frame.url}:${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}`;
    let found = this.resolved.get(key);
    if (found === undefined) {
      found = this.lookup(frame);
      this.resolved.set(key, found);
    }
    return found;
  }

  private lookup(frame: CallFrame): Frame {
    const v8Name = frame.functionName || '(anonymous)';
    if (frame.url === '' || frame.url.startsWith('node:')) {
      return {
        file: frame.url,
        line: frame.lineNumber + 1,
        name: v8Name,
        category: this.categorize(frame.url),
      };
    }
    const generated = frame.url.startsWith('file:')
      ? fileURLToPath(frame.url)
      : frame.url;
    const map = this.mapOf(generated);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    if (map && !(entry && 'originalSource' in entry)) {
      // Code esbuild wrote itself: the module wrappers and the top level.
      return {
        file: fromRoot(generated),
        line: frame.lineNumber + 1,
        name: v8Name,
        category: 'bundle (no source position)',
      };
    }
    const original =
      entry && 'originalSource' in entry
        ? {
            file: path.resolve(path.dirname(generated), entry.originalSource),
            line: entry.originalLine,
            name: (entry as { name?: string }).name,
          }
        : { file: generated, line: frame.lineNumber, name: undefined };
    const file = fromRoot(original.file);
    return {
      file,
      line: original.line + 1,
      name:
        original.name ??
        this.declaredName(original.file, original.line) ??
        // A one- or two-letter name is the minifier's, not the source's.
        (v8Name.length > 2 ? v8Name : '(anonymous)'),
      category: this.categorize(file),
    };
  }

  private mapOf(file: string): SourceMap | null {
    let map = this.maps.get(file);
    if (map === undefined) {
      const mapFile = `${file}.map`;
      map = existsSync(mapFile)
        ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')))
        : null;
      this.maps.set(file, map);
    }
    return map;
  }

  /** The name a function starting on this line of the source is given. */
  private declaredName(file: string, line: number): string | undefined {
    let lines = this.sources.get(file);
    if (lines === undefined) {
      lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : null;
      this.sources.set(file, lines);
    }
    const text = lines?.[line];
    if (text === undefined) return undefined;
    for (const pattern of DECLARATIONS) {
      const name = pattern.exec(text)?.[1];
      if (name !== undefined && !KEYWORDS.has(name)) return name;
    }
    return undefined;
  }
}

const DECLARATIONS = [
  /(?:function\*?|class)\s+([\w$]+)/,
  /([\w$]+)\s*[:=]\s*(?:async\s*)?(?:function\b|\(|[\w$]+\s*=>)/,
  /^\s*(?:static\s+|async\s+|get\s+|set\s+|#)*([\w$#]+)\s*\([^)]*\)\s*\{/,
];

const KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'return',
  'function',
]);
