import { mergeSiteRules } from '../../core/rules/merge';
import type { SiteRuleFile } from '../../core/rules/types';
import { validateSiteRuleFile } from '../../core/rules/validate';
import { demoSiteRuleFile, globalRuleFile } from '../support/rule-files';

const FILE = 'sites/fr-lyon-store.json';

/** The Lyon demo file with these audit checks. */
function siteWithChecks(checks: unknown[]): SiteRuleFile {
  return { ...demoSiteRuleFile('fr-lyon-store'), audits: { checks } } as SiteRuleFile;
}

describe('audit checks in the rule files', () => {
  it('merge a site check with the global check of the same id and append new ones, keeping every global check', () => {
    const global = globalRuleFile();
    const added = { id: 'completeness-address', type: 'completeness', description: 'Address present', fields: ['street', 'city'], threshold: 0.9, severity: 'low' };
    const rules = mergeSiteRules(global, siteWithChecks([{ id: 'validity-email', threshold: 0.999 }, added]));
    expect(rules.audits.checks.map((check) => check.id)).toEqual([...global.audits.checks.map((check) => check.id), 'completeness-address']);
    const email = rules.audits.checks.find((check) => check.id === 'validity-email')!;
    expect(email).toEqual({ ...global.audits.checks.find((check) => check.id === 'validity-email'), threshold: 0.999 });
    expect(rules.audits.fixTasks).toEqual(global.audits.fixTasks);
  });

  it('refuse a site loosening a global check, with the pointer to the offending value', () => {
    const errors = validateSiteRuleFile(
      siteWithChecks([
        { id: 'validity-email', threshold: 0.5, severity: 'low' },
        { id: 'freshness-24-months', maxAge: 'P36M' },
        { id: 'completeness-identity', fields: ['givenName'] },
      ]),
      FILE,
      globalRuleFile(),
    );
    expect(errors.map((error) => error.pointer).sort()).toEqual([
      '/audits/checks/0/severity',
      '/audits/checks/0/threshold',
      '/audits/checks/1/maxAge',
      '/audits/checks/2/fields',
    ]);
    expect(errors.find((error) => error.pointer === '/audits/checks/0/threshold')!.reason).toMatch(/loosens the global threshold 0.98/);
  });

  it('accept tightening, and ask a new check to be complete and sensible', () => {
    expect(validateSiteRuleFile(siteWithChecks([{ id: 'validity-email', threshold: 0.99, severity: 'critical' }]), FILE, globalRuleFile())).toEqual([]);
    const errors = validateSiteRuleFile(
      siteWithChecks([
        { id: 'new-check', threshold: 0.9 },
        { id: 'validity-names', type: 'validity', description: 'x', fields: ['givenName'], threshold: 0.9, severity: 'low' },
        { id: 'postcode-city-extra', type: 'consistency', description: 'x', rule: 'postcodeCity', threshold: 0.9, severity: 'low' },
        { id: 'validity-email', threshold: 0.99 },
        { id: 'validity-email', threshold: 0.995 },
      ]),
      FILE,
      globalRuleFile(),
    );
    expect(errors.map((error) => error.pointer)).toEqual(['/audits/checks/4/id', '/audits/checks/0', '/audits/checks/1/fields/0', '/audits/checks/2/reference']);
    expect(errors[1].reason).toMatch(/must be complete: add type, description, severity/);
  });
});
