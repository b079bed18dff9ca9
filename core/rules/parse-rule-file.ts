import type { RuleFileError } from './rule-file-error';

export type ParsedRuleFile = { ok: true; document: unknown } | { ok: false; error: RuleFileError };

/** Parses a rule file's text; a syntax error names its line and column (1-based) and what was
 * expected there. */
export function parseRuleFile(file: string, text: string): ParsedRuleFile {
  try {
    return { ok: true, document: JSON.parse(text) };
  } catch {
    // JSON.parse does not always say where it failed, so find the first error ourselves
    const { offset, expected } = firstSyntaxError(text);
    const { line, column } = lineAndColumn(text, offset);
    const found = offset < text.length ? JSON.stringify(text[offset]) : 'the end of the file';
    return { ok: false, error: { file, pointer: '', reason: `invalid JSON at line ${line}, column ${column}: expected ${expected}, found ${found}` } };
  }
}

class JsonSyntaxError {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

/** A strict JSON (RFC 8259) scanner that only locates the first syntax error. */
function firstSyntaxError(text: string): JsonSyntaxError {
  let at = 0;
  const fail = (expected: string): never => {
    throw new JsonSyntaxError(at, expected);
  };
  const skipWhitespace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const expect = (char: string, expected: string) => {
    if (text[at] !== char) fail(expected);
    at++;
  };
  const string = () => {
    expect('"', 'a string in double quotes');
    for (;;) {
      if (at >= text.length) fail('a closing double quote');
      const char = text[at];
      if (char === '"') return void at++;
      if (char < ' ') fail('a closing double quote (control characters must be escaped)');
      if (char === '\\') {
        at++;
        if (text[at] === 'u') {
          at++;
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at, at + 4))) fail('four hex digits after \\u');
          at += 4;
        } else if (!'"\\/bfnrt'.includes(text[at] ?? 'x')) {
          fail('an escape such as \\" or \\n');
        } else {
          at++;
        }
      } else {
        at++;
      }
    }
  };
  const members = (close: string, member: () => void) => {
    at++;
    skipWhitespace();
    if (text[at] === close) return void at++;
    for (;;) {
      member();
      skipWhitespace();
      if (text[at] === ',') {
        at++;
        skipWhitespace();
      } else {
        return expect(close, `"," or "${close}"`);
      }
    }
  };
  const value = (): void => {
    skipWhitespace();
    const char = text[at];
    if (char === '{') {
      return members('}', () => {
        if (text[at] !== '"') fail('a property name in double quotes');
        string();
        skipWhitespace();
        expect(':', '":" after the property name');
        value();
      });
    }
    if (char === '[') return members(']', value);
    if (char === '"') return string();
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = at;
    if (number.test(text)) return void (at = number.lastIndex);
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, at)) return void (at += literal.length);
    }
    fail('a value (object, array, string, number, true, false or null)');
  };
  try {
    value();
    skipWhitespace();
    if (at < text.length) fail('the end of the file');
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  // JSON.parse rejected what this scanner accepts: point at the start rather than guess
  return new JsonSyntaxError(0, 'valid JSON');
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
