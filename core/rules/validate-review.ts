import { workingDurationProblem } from '../calendar';
import { REVIEW_MAIL_KINDS, reviewMailTemplateProblem } from '../review-mail';
import type { RuleFileError } from './rule-file-error';
import type { SiteRuleFile, SiteRules } from './types';

/** The review parts of a rule file (global or site), as far as the file sets them. */
type ReviewRuleValues = Pick<SiteRuleFile, 'calendar' | 'review' | 'emailTemplates'>;

/** Checks of single review values the schema cannot make: holidays are dates that exist, the link
 * lifetime counts on the working calendar, every mail template renders. */
export function reviewValueErrors(rules: ReviewRuleValues, file: string): RuleFileError[] {
  const errors: RuleFileError[] = [];
  (rules.calendar?.holidays ?? []).forEach((holiday, index) => {
    if (!isCalendarDate(holiday)) {
      errors.push({ file, pointer: `/calendar/holidays/${index}`, reason: `"${holiday}" is not a date that exists: write a real day as YYYY-MM-DD` });
    }
  });
  const linkValidFor = rules.review?.linkValidFor;
  const linkProblem = linkValidFor === undefined ? undefined : workingDurationProblem(linkValidFor);
  if (linkProblem) errors.push({ file, pointer: '/review/linkValidFor', reason: linkProblem });
  for (const kind of REVIEW_MAIL_KINDS) {
    for (const [part, template] of Object.entries(rules.emailTemplates?.[kind] ?? {})) {
      const problem = template === undefined ? undefined : reviewMailTemplateProblem(template);
      if (problem) errors.push({ file, pointer: `/emailTemplates/${kind}/${part}`, reason: `template does not render: ${problem}` });
    }
  }
  return errors;
}

/** Checks across review values of complete rules (the global file, or a site's merged rules). */
export function reviewConsistencyErrors(rules: Omit<SiteRules, 'site'>, file: string): RuleFileError[] {
  const errors: RuleFileError[] = [];
  const { start, end } = rules.calendar.workingHours;
  if (start >= end) {
    errors.push({ file, pointer: '/calendar/workingHours/start', reason: `working hours start ${start} must be before their end ${end}` });
  }
  const deciders = new Set([...rules.stewardship.stewards, ...rules.stewardship.backups]).size;
  if (deciders > 0 && rules.review.quorum > deciders) {
    errors.push({ file, pointer: '/review/quorum', reason: `a quorum of ${rules.review.quorum} cannot be reached by ${deciders} stewards and back-ups: lower it or name more stewards` });
  }
  return errors;
}

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
