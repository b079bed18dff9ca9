import { mergeSiteRules } from '../../core/rules/merge';
import type { SiteRuleFile } from '../../core/rules/types';
import { validateGlobalRuleFile, validateSiteRuleFile } from '../../core/rules/validate';
import { erasureDeadlineFor, retentionCutoff, shortestDuration } from '../../core/retention/periods';
import { demoSiteRuleFile, globalRuleFile } from '../support/rule-files';

const FILE = 'sites/fr-lyon-store.json';

function siteWithRetention(retention: unknown): SiteRuleFile {
  return { ...demoSiteRuleFile('fr-lyon-store'), retention } as SiteRuleFile;
}

describe('retention rules in the rule files', () => {
  it('merge a site category over the global one, keeping the other categories and the erasure deadlines', () => {
    const rules = mergeSiteRules(globalRuleFile(), demoSiteRuleFile('de-munich-plant'));
    expect(rules.retention.categories.sourceRecords).toMatchObject({ inactiveFor: 'P10Y', action: 'delete', legalBasis: expect.stringMatching(/HGB/) });
    expect(rules.retention.categories.importRows).toEqual(globalRuleFile().retention.categories.importRows);
    expect(rules.retention.erasure.deadline).toBe('P30D');
  });

  it('let a site keep data longer, never shorter than the global minimum, nor move the minimum', () => {
    expect(validateSiteRuleFile(siteWithRetention({ categories: { importRows: { inactiveFor: 'P1Y' } } }), FILE, globalRuleFile())).toEqual([]);
    const errors = validateSiteRuleFile(
      siteWithRetention({ categories: { sourceRecords: { inactiveFor: 'P6M' }, importRows: { minimumInactiveFor: 'P1D' } } }),
      FILE,
      globalRuleFile(),
    );
    expect(errors).toEqual([
      { file: FILE, pointer: '/retention/categories/importRows/minimumInactiveFor', reason: expect.stringMatching(/global.json only/) },
      { file: FILE, pointer: '/retention/categories/sourceRecords/inactiveFor', reason: 'P6M is shorter than the global minimum P1Y: keep sourceRecords at least that long' },
    ]);
  });

  it('refuse deleting the change log, an unknown action and erasure steps out of order, by pointer', () => {
    const errors = validateSiteRuleFile(
      siteWithRetention({ categories: { changeLog: { action: 'delete' } }, erasure: { remindAfter: 'P25D' } }),
      FILE,
      globalRuleFile(),
    );
    expect(errors.map((error) => error.pointer)).toEqual(['/retention/categories/changeLog/action', '/retention/erasure/escalateAfter']);
    const schema = validateSiteRuleFile(siteWithRetention({ categories: { sourceRecords: { action: 'shred', inactiveFor: '3 years' } } }), FILE, globalRuleFile());
    expect(schema.map((error) => error.pointer).sort()).toEqual(['/retention/categories/sourceRecords/action', '/retention/categories/sourceRecords/inactiveFor']);
  });

  it('hold the global file to its own minimums, and lock a category when the global file says so', () => {
    const global = globalRuleFile();
    global.retention.categories.sourceRecords.inactiveFor = 'P6M';
    expect(validateGlobalRuleFile(global).map((error) => error.pointer)).toEqual(['/retention/categories/sourceRecords/inactiveFor']);
    const locked = { ...globalRuleFile(), locks: [...globalRuleFile().locks, '/retention/categories/changeLog'] };
    const errors = validateSiteRuleFile(siteWithRetention({ categories: { changeLog: { inactiveFor: 'P6Y' } } }), FILE, locked);
    expect(errors.map((error) => error.pointer)).toEqual(['/retention/categories/changeLog/inactiveFor']);
  });
});

describe('retention periods', () => {
  it('count years and months on the calendar and days in elapsed time', () => {
    const now = new Date('2026-03-31T12:00:00Z');
    expect(retentionCutoff(now, 'P3Y').toISOString()).toBe('2023-03-31T12:00:00.000Z');
    expect(retentionCutoff(now, 'P1M').toISOString()).toBe('2026-03-03T12:00:00.000Z');
    expect(retentionCutoff(now, 'P90D').toISOString()).toBe('2025-12-31T12:00:00.000Z');
  });

  it('give each jurisdiction its erasure deadline, the shortest when a person is at several sites', () => {
    const erasure = globalRuleFile().retention.erasure;
    expect(erasureDeadlineFor(erasure, 'US-CA-CCPA')).toBe('P45D');
    expect(erasureDeadlineFor(erasure, 'EU-GDPR')).toBe('P30D');
    expect(shortestDuration(['P45D', 'P30D', 'P1M'])).toBe('P30D');
  });
});
