import { withMissingProperties } from '../../core/rules/missing-properties';

describe('withMissingProperties', () => {
  it('adds what is missing at any depth and changes nothing that is there', () => {
    const current = { a: 1, nested: { kept: 'mine', list: [1] }, list: ['x'] };
    const defaults = { a: 2, b: true, nested: { kept: 'theirs', added: { deep: 1 }, list: [2, 3] }, list: ['y', 'z'] };
    expect(withMissingProperties(current, defaults)).toEqual({
      value: { a: 1, b: true, nested: { kept: 'mine', added: { deep: 1 }, list: [1] }, list: ['x'] },
      added: ['/b', '/nested/added'],
    });
    expect(current).toEqual({ a: 1, nested: { kept: 'mine', list: [1] }, list: ['x'] });
  });

  it('escapes pointers and leaves a value where the defaults hold an object', () => {
    expect(withMissingProperties({ 'a/b': 'set' }, { 'a/b': { x: 1 }, 'c~d': 1 })).toEqual({ value: { 'a/b': 'set', 'c~d': 1 }, added: ['/c~0d'] });
  });
});
