import fs from 'node:fs';
import path from 'node:path';
import { parseRuleFile } from '../../core/rules/parse-rule-file';
import type { RuleFileError } from '../../core/rules/rule-file-error';
import { buildRuleSet } from '../../core/rules/rule-set';
import { validateGlobalRuleFile, validateSiteRuleFile } from '../../core/rules/validate';
import { demoSiteRuleFile, globalRuleFile, readJson, RULE_FIXTURES_DIRECTORY, RULES_DIRECTORY } from '../support/rule-files';

function validateFixture(name: string): RuleFileError[] {
  const file = `sites/${name}.json`;
  return validateSiteRuleFile(readJson(path.join(RULE_FIXTURES_DIRECTORY, file)), file, globalRuleFile());
}

function errorAt(errors: RuleFileError[], pointer: string): string {
  const error = errors.find((candidate) => candidate.pointer === pointer);
  if (!error) throw new Error(`no error at ${pointer}; errors: ${JSON.stringify(errors, null, 2)}`);
  return error.reason;
}

describe('the demo rule files', () => {
  it('are valid', () => {
    expect(validateGlobalRuleFile(globalRuleFile())).toEqual([]);
    for (const siteId of ['fr-paris-hq', 'fr-lyon-store', 'de-munich-plant']) {
      expect(validateSiteRuleFile(demoSiteRuleFile(siteId), `sites/${siteId}.json`, globalRuleFile())).toEqual([]);
    }
  });
});

describe('schema errors', () => {
  const errors = validateFixture('schema-errors');

  it('name the file and say what is missing or unexpected', () => {
    expect(errors.every((error) => error.file === 'sites/schema-errors.json')).toBe(true);
    expect(errorAt(errors, '/site')).toBe('missing required property "timeZone"');
    expect(errorAt(errors, '/retention/years')).toMatch(/^unexpected property "years"; allowed: categories, erasure/);
    expect(errorAt(errors, '/survivorship/fields/shoeSize')).toMatch(/^unexpected key "shoeSize"; allowed: .*"givenName"/);
  });

  it('list the allowed values and describe expected formats', () => {
    expect(errorAt(errors, '/normalisation/nameCase')).toBe('must be one of "preserve", "title", "upper", "lower"');
    expect(errorAt(errors, '/site/country')).toMatch(/ISO 3166-1 alpha-2/);
    expect(errorAt(errors, '/stewardship/stewards/0')).toMatch(/email/);
    expect(errorAt(errors, '/sla/reviewRemindAfter')).toMatch(/ISO 8601 duration/);
  });

  it('check the calendar, review and mail sections', () => {
    expect(errorAt(errors, '/calendar/workingDays/1')).toBe('must be <= 7');
    expect(errorAt(errors, '/calendar/workingDays')).toMatch(/duplicate items/);
    expect(errorAt(errors, '/calendar/holidays/0')).toMatch(/YYYY-MM-DD/);
    expect(errorAt(errors, '/review/expiryOutcome')).toBe('must be one of "keepDistinct", "merge", "leaveOpen"');
    expect(errorAt(errors, '/review/quorum')).toBe('must be >= 1');
    expect(errorAt(errors, '/emailTemplates/reviewRequest')).toBe('missing required property "text"');
  });

  it('report each problem once', () => {
    const keys = errors.map((error) => `${error.pointer} ${error.reason}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('check the global file against its own schema', () => {
    const global = { ...globalRuleFile(), matching: { ...globalRuleFile().matching, priorProbability: 2 } };
    delete (global as Partial<typeof global>).sla;
    const globalErrors = validateGlobalRuleFile(global);
    expect(errorAt(globalErrors, '')).toBe('missing required property "sla"');
    expect(errorAt(globalErrors, '/matching/priorProbability')).toBe('must be < 1');
  });
});

describe('semantic errors', () => {
  const errors = validateFixture('semantic-errors');

  it('catch what the schema cannot', () => {
    expect(errorAt(errors, '/site/id')).toMatch(/differs from the file name/);
    expect(errorAt(errors, '/site/country')).toMatch(/unknown country code "QQ"/);
    expect(errorAt(errors, '/site/timeZone')).toMatch(/unknown time zone "Europe\/Atlantis"/);
    expect(errorAt(errors, '/fields/patterns/nationalId/regex')).toMatch(/not a valid regular expression/);
    expect(errorAt(errors, '/matching/thresholds/review')).toMatch(/review must be at most autoLink/);
    expect(errorAt(errors, '/stewardship/stewards')).toMatch(/at least one steward/);
    expect(errorAt(errors, '/sla/reviewEscalateAfter')).toMatch(/must not be shorter than reviewRemindAfter/);
  });

  it('point at a broken mail template and say what is wrong', () => {
    expect(errorAt(errors, '/emailTemplates/reviewRequest/text')).toMatch(/^template does not render: Parse error on line 1: Expecting .*got 'EOF'$/);
    expect(errorAt(errors, '/emailTemplates/reviewRequest/html')).toBe('template does not render: unknown variable or helper "lnk" at line 1, column 12');
    expect(errors.some((error) => error.pointer === '/emailTemplates/reviewRequest/subject')).toBe(false);
  });

  it('catch dates that do not exist, backwards working hours, unreachable quorums and monthly durations', () => {
    expect(errorAt(errors, '/calendar/holidays/1')).toBe('"2026-02-30" is not a date that exists: write a real day as YYYY-MM-DD');
    expect(errors.some((error) => error.pointer === '/calendar/holidays/0')).toBe(false);
    expect(errorAt(errors, '/calendar/workingHours/start')).toBe('working hours start 18:00 must be before their end 09:00');
    expect(errorAt(errors, '/review/quorum')).toMatch(/quorum of 5 cannot be reached by 1 stewards and back-ups/);
    expect(errorAt(errors, '/review/linkValidFor')).toMatch(/uses years or months/);
  });

  it('check the mail templates of the global file', () => {
    const global = globalRuleFile();
    global.emailTemplates.reviewEscalation.subject = 'Escalated: {{percentage probability}}';
    expect(validateGlobalRuleFile(global)).toEqual([
      { file: 'global.json', pointer: '/emailTemplates/reviewEscalation/subject', reason: expect.stringMatching(/unknown variable or helper "percentage"/) },
    ]);
  });

  it('report changes to locked rules', () => {
    const lockErrors = validateFixture('locked-changes');
    expect(lockErrors.map((error) => error.pointer)).toEqual(['/fields/birthDate/minAgeYears']);
    expect(lockErrors[0].reason).toMatch(/locked by global.json/);
  });

  it('check that every lock points at a global rule', () => {
    const global = { ...globalRuleFile(), locks: ['/fields/birthDate', '/fields/shoeSize'] };
    expect(validateGlobalRuleFile(global)).toEqual([
      { file: 'global.json', pointer: '/locks/1', reason: expect.stringMatching(/points at nothing/) },
    ]);
  });

  it('check the global file for consistency too', () => {
    const global = globalRuleFile();
    global.fields.birthDate = { minAgeYears: 90, maxAgeYears: 18 };
    expect(errorAt(validateGlobalRuleFile(global), '/fields/birthDate/minAgeYears')).toMatch(/must be below maxAgeYears/);
  });

  it('refuse term frequencies for a field without a match key', () => {
    const global = globalRuleFile();
    const region = global.matching.comparisons.findIndex((comparison) => comparison.field === 'region');
    global.matching.comparisons[region]!.termFrequency = true;
    expect(errorAt(validateGlobalRuleFile(global), `/matching/comparisons/${region}/termFrequency`)).toMatch(/"region" has no match key/);
  });
});

describe('JSON syntax errors', () => {
  it('give the line and column', () => {
    const text = fs.readFileSync(path.join(RULE_FIXTURES_DIRECTORY, 'sites', 'syntax-error.json'), 'utf8');
    const parsed = parseRuleFile('sites/syntax-error.json', text);
    expect(parsed).toEqual({
      ok: false,
      error: { file: 'sites/syntax-error.json', pointer: '', reason: 'invalid JSON at line 5, column 5: expected "," or "}", found "\\""' },
    });
  });

  it.each([
    ['{"a": [1, 2,]}', 'line 1, column 13: expected a value'],
    ['{"a": 1', 'line 1, column 8: expected "," or "}", found the end of the file'],
    ['{a: 1}', 'line 1, column 2: expected a property name in double quotes'],
    ['\n\n{"a": "tab\there"}', 'line 3, column 11: expected a closing double quote'],
  ])('locate the error in %j', (text, expected) => {
    const parsed = parseRuleFile('x.json', text);
    expect(parsed.ok ? 'parsed' : parsed.error.reason).toContain(expected);
  });
});

describe('buildRuleSet', () => {
  const read = (file: string) => ({ file, text: fs.readFileSync(path.join(RULES_DIRECTORY, file), 'utf8') });
  const demoSites = ['sites/de-munich-plant.json', 'sites/fr-lyon-store.json', 'sites/fr-paris-hq.json'].map(read);

  it('merges and versions every site of a valid set', () => {
    const ruleSet = buildRuleSet(read('global.json'), demoSites);
    if (!ruleSet.ok) throw new Error(JSON.stringify(ruleSet.errors));
    expect([...ruleSet.sites.keys()].sort()).toEqual(['de-munich-plant', 'fr-lyon-store', 'fr-paris-hq']);
    expect(ruleSet.sites.get('de-munich-plant')?.rules.normalisation.defaultPhoneCountry).toBe('DE');
    expect(ruleSet.sites.get('fr-paris-hq')?.version).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects the whole set when one file is invalid, reporting every error', () => {
    const broken = { file: 'sites/fr-lyon-store.json', text: '{"site": ' };
    const ruleSet = buildRuleSet(read('global.json'), [...demoSites.filter((site) => site.file !== broken.file), broken]);
    expect(ruleSet).toEqual({ ok: false, errors: [expect.objectContaining({ file: 'sites/fr-lyon-store.json', pointer: '' })] });
  });

  it('still checks site files against their schema when the global file is invalid', () => {
    const ruleSet = buildRuleSet({ file: 'global.json', text: '{}' }, [{ file: 'sites/x.json', text: '{"site": {}}' }]);
    expect(ruleSet.ok).toBe(false);
    const files = ruleSet.ok ? [] : ruleSet.errors.map((error) => error.file);
    expect(new Set(files)).toEqual(new Set(['global.json', 'sites/x.json']));
  });
});
