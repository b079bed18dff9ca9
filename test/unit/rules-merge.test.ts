import { findLockViolations, mergeSiteRules, rulesVersion } from '../../core/rules/merge';
import type { SiteRuleFile, SiteRules } from '../../core/rules/types';
import { globalRuleFile } from '../support/rule-files';

const identity = { id: 'test-site', name: 'Test site', country: 'FR', timeZone: 'Europe/Paris', jurisdiction: 'EU-GDPR' };

describe('mergeSiteRules', () => {
  it('merges objects deeply and replaces arrays and scalars', () => {
    const global = globalRuleFile();
    const site: SiteRuleFile = {
      site: identity,
      fields: { required: ['email'] },
      matching: { thresholds: { review: 0.5 } },
      survivorship: { fields: { phone: 'sitePriority' } },
    };
    const rules = mergeSiteRules(global, site);
    expect(rules.site).toEqual(identity);
    expect(rules.fields.required).toEqual(['email']);
    expect(rules.fields.birthDate).toEqual(global.fields.birthDate);
    expect(rules.matching.thresholds).toEqual({ autoLink: global.matching.thresholds.autoLink, review: 0.5 });
    expect(rules.survivorship.fields).toEqual({ ...global.survivorship.fields, phone: 'sitePriority' });
    expect(rules.matching.blocking).toEqual(global.matching.blocking);
  });

  it('leaves out the global-only keys and editor hints', () => {
    const rules = mergeSiteRules(globalRuleFile(), { site: identity, $schema: '../schema/site.schema.json' } as SiteRuleFile);
    expect(Object.keys(rules).sort()).toEqual([
      'audits',
      'calendar',
      'emailTemplates',
      'fields',
      'matching',
      'normalisation',
      'retention',
      'review',
      'site',
      'sla',
      'stewardship',
      'survivorship',
    ]);
  });

  it('does not change its inputs', () => {
    const global = globalRuleFile();
    const before = JSON.stringify(global);
    mergeSiteRules(global, { site: identity, matching: { thresholds: { review: 0.1 } } });
    expect(JSON.stringify(global)).toBe(before);
  });
});

describe('findLockViolations', () => {
  const global = { ...globalRuleFile(), locks: ['/fields/birthDate', '/matching/thresholds/autoLink', '/survivorship/sitePriority'] };

  it('accepts a site that repeats locked values or changes unlocked ones', () => {
    const site: SiteRuleFile = {
      site: identity,
      fields: { birthDate: { ...global.fields.birthDate }, required: ['email'] },
      matching: { thresholds: { autoLink: global.matching.thresholds.autoLink, review: 0.2 } },
    };
    expect(findLockViolations(global, site)).toEqual([]);
  });

  it('reports a change under a locked pointer at the changed value', () => {
    const site: SiteRuleFile = { site: identity, fields: { birthDate: { minAgeYears: 1 } }, matching: { thresholds: { autoLink: 0.5 } } };
    const violations = findLockViolations(global, site, 'sites/test-site.json');
    expect(violations.map(({ file, pointer }) => ({ file, pointer }))).toEqual([
      { file: 'sites/test-site.json', pointer: '/fields/birthDate/minAgeYears' },
      { file: 'sites/test-site.json', pointer: '/matching/thresholds/autoLink' },
    ]);
    expect(violations[0].reason).toContain('/fields/birthDate');
    expect(violations[0].reason).toContain(String(global.fields.birthDate.minAgeYears));
  });

  it('asks to remove what a site adds under a locked map', () => {
    const withLockedPatterns = { ...global, locks: ['/fields/patterns'] };
    const site: SiteRuleFile = { site: identity, fields: { patterns: { nationalId: { regex: '^[0-9]+$', description: 'digits' } } } };
    expect(findLockViolations(withLockedPatterns, site)).toEqual([
      { file: 'sites/test-site.json', pointer: '/fields/patterns/nationalId', reason: expect.stringMatching(/remove it from the site file$/) },
    ]);
  });

  it('treats a locked array as one value', () => {
    const site: SiteRuleFile = { site: identity, survivorship: { sitePriority: ['test-site'] } };
    expect(findLockViolations(global, site).map((violation) => violation.pointer)).toEqual(['/survivorship/sitePriority']);
  });
});

describe('rulesVersion', () => {
  it('is a sha256 hex that ignores key order', () => {
    const rules = mergeSiteRules(globalRuleFile(), { site: identity });
    expect(rulesVersion(rules)).toMatch(/^[0-9a-f]{64}$/);
    expect(rulesVersion(withKeysReversed(rules) as SiteRules)).toBe(rulesVersion(rules));
  });

  it('changes with any value', () => {
    const rules = mergeSiteRules(globalRuleFile(), { site: identity });
    const changed = mergeSiteRules(globalRuleFile(), { site: identity, sla: { reviewRemindAfter: 'PT1H' } });
    expect(rulesVersion(changed)).not.toBe(rulesVersion(rules));
  });
});

function withKeysReversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withKeysReversed);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, withKeysReversed(inner)]));
}
