import fs from 'node:fs';
import path from 'node:path';
import { buildScopedRuleSet, GLOBAL_SCOPE, isRuleScope, ruleFileHash, ruleFileOfScope, ruleFileText, scopeOfRuleFile } from '../../core/rules/rule-scope';
import { RULES_DIRECTORY } from '../support/rule-files';

const text = (file: string) => fs.readFileSync(path.join(RULES_DIRECTORY, file), 'utf8');

describe('rule scopes', () => {
  it('map scopes to files and back', () => {
    expect(ruleFileOfScope(GLOBAL_SCOPE)).toBe('global.json');
    expect(ruleFileOfScope('fr-paris-hq')).toBe('sites/fr-paris-hq.json');
    expect(scopeOfRuleFile('global.json')).toBe('global');
    expect(scopeOfRuleFile('sites/fr-paris-hq.json')).toBe('fr-paris-hq');
    expect(['global', 'fr-paris-hq', 'Paris', '../x', ''].map(isRuleScope)).toEqual([true, true, false, false, false]);
  });

  it('hash equal content alike, whatever its key order or layout', () => {
    expect(ruleFileHash({ a: 1, b: [1, 2] })).toBe(ruleFileHash(JSON.parse('{ "b": [1, 2], "a": 1 }')));
    expect(ruleFileHash({ a: 1 })).not.toBe(ruleFileHash({ a: 2 }));
    expect(ruleFileText({ a: 1 })).toBe('{\n  "a": 1\n}\n');
  });

  it('build every site from one text per scope, all or nothing', () => {
    const texts = new Map([
      [GLOBAL_SCOPE, text('global.json')],
      ['fr-paris-hq', text('sites/fr-paris-hq.json')],
    ]);
    const ruleSet = buildScopedRuleSet(texts);
    expect(ruleSet.ok && [...ruleSet.sites.keys()]).toEqual(['fr-paris-hq']);
    expect(buildScopedRuleSet(new Map([...texts, ['fr-lyon-store', '{']]))).toMatchObject({ ok: false, errors: [{ file: 'sites/fr-lyon-store.json', pointer: '' }] });
    expect(buildScopedRuleSet(new Map([['fr-paris-hq', text('sites/fr-paris-hq.json')]]))).toEqual({
      ok: false,
      errors: [{ file: 'global.json', pointer: '', reason: 'no global rules: publish a global.json first' }],
    });
  });
});
