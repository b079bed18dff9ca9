import { auditReportTemplateProblem } from '../audits/report-mail';
import type { RuleFileError } from './rule-file-error';
import type { GlobalRuleFile, SiteRuleFile } from './types';

/** Every part of the audit report mail renders (a site file may replace the mail as a whole). */
export function auditReportTemplateErrors(rules: Pick<SiteRuleFile, 'emailTemplates'>, file: string): RuleFileError[] {
  return Object.entries(rules.emailTemplates?.auditReport ?? {}).flatMap(([part, template]) => {
    const problem = template === undefined ? undefined : auditReportTemplateProblem(template);
    return problem ? [{ file, pointer: `/emailTemplates/auditReport/${part}`, reason: `template does not render: ${problem}` }] : [];
  });
}

/** The global file gives the report mail every site falls back on. */
export function missingAuditReportErrors(global: GlobalRuleFile, file: string): RuleFileError[] {
  return global.emailTemplates.auditReport
    ? []
    : [{ file, pointer: '/emailTemplates/auditReport', reason: 'the audit report mail is missing: give its subject, text and html templates' }];
}
