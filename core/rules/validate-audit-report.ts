import { auditReportTemplateProblem } from '../audits/report-mail';
import { nominalMilliseconds, parseIsoDuration } from './duration';
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

/** The longest a mailed report link may work: a link is a credential, so it must expire. */
const LONGEST_REPORT_LINK = 'P1Y';

/** The report link lifetime (audits.report.linkValidFor) is longer than zero and at most a year. */
export function auditReportSettingErrors(rules: Pick<SiteRuleFile, 'audits'>, file: string): RuleFileError[] {
  const linkValidFor = rules.audits?.report?.linkValidFor;
  const duration = linkValidFor === undefined ? undefined : parseIsoDuration(linkValidFor);
  if (!duration) return [];
  const length = nominalMilliseconds(duration);
  if (length > 0 && length <= nominalMilliseconds(parseIsoDuration(LONGEST_REPORT_LINK)!)) return [];
  return [{ file, pointer: '/audits/report/linkValidFor', reason: `"${linkValidFor}" is not a usable link lifetime: give a duration longer than zero and at most ${LONGEST_REPORT_LINK}, e.g. P30D` }];
}
