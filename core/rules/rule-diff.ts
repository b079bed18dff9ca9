import { isJsonObject, jsonEqual } from '../json';
import { toJsonPointer } from './json-pointer';

/** One changed value between two rule files; a side where the value is absent is left out. */
export interface RuleChange {
  pointer: string;
  before?: unknown;
  after?: unknown;
}

/** Every changed value, at the innermost pointer where the two differ: objects and arrays are
 * compared member by member, so a changed threshold shows as /matching/thresholds/autoLink. */
export function ruleChanges(before: unknown, after: unknown, at: readonly (string | number)[] = []): RuleChange[] {
  if (jsonEqual(before, after)) return [];
  const bothObjects = isJsonObject(before) && isJsonObject(after);
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => ruleChanges(before[key], after[key], [...at, key]));
  }
  if (bothArrays) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, index) => ruleChanges(before[index], after[index], [...at, index])).flat();
  }
  return [{ pointer: toJsonPointer(at), ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}

const CONTEXT_LINES = 3;

type LineEdit = { kind: ' ' | '-' | '+'; line: string };

/** A unified diff (as `diff -u` writes it) of two texts, line by line; '' when they are equal. */
export function unifiedDiff(beforeText: string, afterText: string, labels: { before: string; after: string }): string {
  const edits = lineEdits(splitLines(beforeText), splitLines(afterText));
  if (edits.every((edit) => edit.kind === ' ')) return '';
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  for (const hunk of hunksOf(edits)) out.push(...hunk);
  return `${out.join('\n')}\n`;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The shortest edit script by longest common subsequence; rule files are a few hundred lines. */
function lineEdits(before: string[], after: string[]): LineEdit[] {
  const common: number[][] = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      common[i][j] = before[i] === after[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const edits: LineEdit[] = [];
  let [i, j] = [0, 0];
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      edits.push({ kind: ' ', line: before[i++] });
      j++;
    } else if (i < before.length && (j === after.length || common[i + 1][j] >= common[i][j + 1])) {
      // removals before additions, as diff -u writes them
      edits.push({ kind: '-', line: before[i++] });
    } else {
      edits.push({ kind: '+', line: after[j++] });
    }
  }
  return edits;
}

/** Groups the edits into hunks with up to three lines of context around each change. */
function hunksOf(edits: LineEdit[]): string[][] {
  const changed = edits.flatMap((edit, index) => (edit.kind === ' ' ? [] : [index]));
  const ranges: Array<[number, number]> = [];
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT_LINES);
    const end = Math.min(edits.length, index + CONTEXT_LINES + 1);
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1]) last[1] = end;
    else ranges.push([start, end]);
  }
  return ranges.map(([start, end]) => {
    const beforeStart = 1 + edits.slice(0, start).filter((edit) => edit.kind !== '+').length;
    const afterStart = 1 + edits.slice(0, start).filter((edit) => edit.kind !== '-').length;
    const slice = edits.slice(start, end);
    const beforeCount = slice.filter((edit) => edit.kind !== '+').length;
    const afterCount = slice.filter((edit) => edit.kind !== '-').length;
    return [`@@ -${beforeStart},${beforeCount} +${afterStart},${afterCount} @@`, ...slice.map((edit) => `${edit.kind}${edit.line}`)];
  });
}
