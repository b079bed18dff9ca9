import { auditImpact, auditInputsChanged } from '../../core/audits/audit-impact';
import type { AuditCheck, AuditRules } from '../../core/audits/types';
import { mergeSiteRules } from '../../core/rules/merge';
import { demoSiteRuleFile, globalRuleFile } from '../support/rule-files';

const email: AuditCheck = { id: 'validity-email', type: 'validity', description: 'Emails are well formed', fields: ['email'], threshold: 0.98, severity: 'high' };
const contact: AuditCheck = { id: 'completeness-contact', type: 'completeness', description: 'Email and phone', fields: ['email', 'phone'], threshold: 0.8, severity: 'low' };
const phone: AuditCheck = { id: 'completeness-phone', type: 'completeness', description: 'A phone', fields: ['phone'], threshold: 0.995, severity: 'high' };
const audits = (checks: AuditCheck[]): AuditRules => ({ checks, fixTasks: { minSeverity: 'high', maxPerRun: 200 }, failingRowsKept: 1000, report: { linkValidFor: 'P30D', rowsPerPage: 50 } });

describe('audit impact of a draft', () => {
  it('scores each check on both sides, says which the draft adds, removes or changes, and which change verdict', () => {
    // 300 rows: one malformed email, two without a phone
    const now = { audits: audits([email, contact]), counts: [{ rowsChecked: 300, rowsFailed: 1 }, { rowsChecked: 300, rowsFailed: 2 }] };
    const draft = {
      audits: audits([{ ...email, threshold: 0.999 }, phone]),
      counts: [{ rowsChecked: 300, rowsFailed: 1 }, { rowsChecked: 300, rowsFailed: 2 }],
    };
    expect(auditImpact(now, draft)).toEqual({
      checks: [
        {
          checkId: 'validity-email',
          change: 'changed',
          now: { rowsChecked: 300, rowsFailed: 1, failedPercent: 0.3333, threshold: 0.98, severity: 'high', passed: true },
          draft: { rowsChecked: 300, rowsFailed: 1, failedPercent: 0.3333, threshold: 0.999, severity: 'high', passed: false },
        },
        {
          checkId: 'completeness-phone',
          change: 'added',
          now: null,
          draft: { rowsChecked: 300, rowsFailed: 2, failedPercent: 0.6667, threshold: 0.995, severity: 'high', passed: false },
        },
        {
          checkId: 'completeness-contact',
          change: 'removed',
          now: { rowsChecked: 300, rowsFailed: 2, failedPercent: 0.6667, threshold: 0.8, severity: 'low', passed: true },
          draft: null,
        },
      ],
      added: ['completeness-phone'],
      removed: ['completeness-contact'],
      wouldStartFailing: ['validity-email', 'completeness-phone'],
      wouldStartPassing: [],
      fixTaskChecks: { now: [], draft: ['validity-email', 'completeness-phone'] },
    });
  });

  it('sees a check that would start passing, and an unchanged one', () => {
    const now = { audits: audits([email, contact]), counts: [{ rowsChecked: 10, rowsFailed: 1 }, { rowsChecked: 10, rowsFailed: 0 }] };
    const draft = { audits: audits([email, contact]), counts: [{ rowsChecked: 10, rowsFailed: 0 }, { rowsChecked: 10, rowsFailed: 0 }] };
    const impact = auditImpact(now, draft);
    expect(impact.checks.map((check) => check.change)).toEqual(['unchanged', 'unchanged']);
    expect(impact).toMatchObject({ wouldStartFailing: [], wouldStartPassing: ['validity-email'], fixTaskChecks: { now: ['validity-email'], draft: [] } });
  });

  it('counts as an audit change what the checks read besides the checks: required fields, patterns, the default country', () => {
    const global = globalRuleFile();
    const rulesOf = (site: ReturnType<typeof demoSiteRuleFile>) => mergeSiteRules(global, site);
    const paris = demoSiteRuleFile('fr-paris-hq');
    expect(auditInputsChanged(rulesOf(paris), rulesOf(demoSiteRuleFile('fr-paris-hq')))).toBe(false);
    expect(auditInputsChanged(rulesOf(paris), rulesOf({ ...paris, fields: { ...paris.fields, required: ['familyName', 'phone'] } }))).toBe(true);
    expect(auditInputsChanged(rulesOf(paris), rulesOf({ ...paris, normalisation: { defaultCountry: 'DE' } }))).toBe(true);
    expect(auditInputsChanged(rulesOf(paris), rulesOf({ ...paris, matching: { thresholds: { autoLink: 0.9, review: 0.5 } } }))).toBe(false);
  });
});
