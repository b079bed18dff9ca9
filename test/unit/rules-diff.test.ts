import { ruleChanges, unifiedDiff } from '../../core/rules/rule-diff';

describe('ruleChanges', () => {
  it('names every changed value at its innermost JSON pointer, added and removed values with one side', () => {
    const before = { matching: { thresholds: { autoLink: 0.97, review: 0.7 } }, fields: { required: ['email', 'phone'] }, sla: { reviewRemindAfter: 'PT8H' } };
    const after = { matching: { thresholds: { autoLink: 0.9, review: 0.7 } }, fields: { required: ['email'] }, review: { quorum: 2 } };
    expect(ruleChanges(before, after)).toEqual([
      { pointer: '/matching/thresholds/autoLink', before: 0.97, after: 0.9 },
      { pointer: '/fields/required/1', before: 'phone' },
      { pointer: '/sla', before: { reviewRemindAfter: 'PT8H' } },
      { pointer: '/review', after: { quorum: 2 } },
    ]);
  });

  it('finds nothing between equal files, whatever their key order', () => {
    expect(ruleChanges({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('escapes pointer tokens', () => {
    expect(ruleChanges({ 'a/b': 1 }, { 'a/b': 2 })).toEqual([{ pointer: '/a~1b', before: 1, after: 2 }]);
  });
});

describe('unifiedDiff', () => {
  const lines = (count: number) => Array.from({ length: count }, (_, index) => `line ${index + 1}`);

  it('writes hunks with three lines of context, removals before additions', () => {
    const before = lines(12).join('\n') + '\n';
    const after = lines(12).map((line) => (line === 'line 6' ? 'line six' : line)).join('\n') + '\n';
    expect(unifiedDiff(before, after, { before: 'a', after: 'b' })).toBe(
      ['--- a', '+++ b', '@@ -3,7 +3,7 @@', ' line 3', ' line 4', ' line 5', '-line 6', '+line six', ' line 7', ' line 8', ' line 9', ''].join('\n'),
    );
  });

  it('is empty for equal texts and separates distant changes into hunks', () => {
    expect(unifiedDiff('x\n', 'x\n', { before: 'a', after: 'b' })).toBe('');
    const after = lines(20).map((line) => (line === 'line 2' || line === 'line 19' ? `${line}!` : line)).join('\n');
    expect(unifiedDiff(lines(20).join('\n'), after, { before: 'a', after: 'b' }).match(/^@@/gm)).toHaveLength(2);
  });
});
