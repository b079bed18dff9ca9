import { ERASURE_MAIL_KINDS, erasureMailTemplateProblem } from '../erasure-mail';
import type { RuleFileError } from './rule-file-error';
import type { SiteRuleFile } from './types';

/** Every part of the erasure mails a file sets renders against its mail's variables (a site file
 * may replace a mail as a whole; the schema makes the global file give all four). */
export function erasureMailTemplateErrors(rules: Pick<SiteRuleFile, 'emailTemplates'>, file: string): RuleFileError[] {
  return ERASURE_MAIL_KINDS.flatMap((kind) =>
    Object.entries(rules.emailTemplates?.[kind] ?? {}).flatMap(([part, template]) => {
      const problem = template === undefined ? undefined : erasureMailTemplateProblem(kind, template);
      return problem ? [{ file, pointer: `/emailTemplates/${kind}/${part}`, reason: `template does not render: ${problem}` }] : [];
    }),
  );
}
