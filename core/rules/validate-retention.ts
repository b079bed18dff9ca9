import { lengthOf } from '../retention/periods';
import { RETENTION_CATEGORIES, type RetentionRules } from '../retention/types';
import type { RuleFileError } from './rule-file-error';
import type { GlobalRuleFile, SiteRuleFile } from './types';

/** Checks of the global retention rules: each period at least its own minimum, the change log only
 * anonymised, erasure reminders before escalation before the deadline. */
export function globalRetentionErrors(global: GlobalRuleFile, file: string): RuleFileError[] {
  return retentionConsistencyErrors(global.retention, file, global.retention);
}

/** Checks of a site's retention rules against the global ones. A site may keep data longer, never
 * shorter than the global minimum, and may not move the minimums themselves. */
export function siteRetentionErrors(site: SiteRuleFile, merged: RetentionRules, global: GlobalRuleFile, file: string): RuleFileError[] {
  const errors: RuleFileError[] = [];
  for (const category of RETENTION_CATEGORIES) {
    if (site.retention?.categories?.[category]?.minimumInactiveFor !== undefined) {
      errors.push({
        file,
        pointer: `/retention/categories/${category}/minimumInactiveFor`,
        reason: 'minimums are set by global.json only: remove it from the site file',
      });
    }
  }
  return [...errors, ...retentionConsistencyErrors(merged, file, global.retention)];
}

function retentionConsistencyErrors(rules: RetentionRules, file: string, global: RetentionRules): RuleFileError[] {
  const errors: RuleFileError[] = [];
  for (const category of RETENTION_CATEGORIES) {
    const rule = rules.categories[category];
    const minimum = global.categories[category].minimumInactiveFor;
    if (minimum !== undefined && lengthOf(rule.inactiveFor) < lengthOf(minimum)) {
      errors.push({
        file,
        pointer: `/retention/categories/${category}/inactiveFor`,
        reason: `${rule.inactiveFor} is shorter than the global minimum ${minimum}: keep ${category} at least that long`,
      });
    }
    if (category === 'changeLog' && rule.action === 'delete') {
      errors.push({
        file,
        pointer: '/retention/categories/changeLog/action',
        reason: 'the change log is append-only: its entries are kept and their personal values anonymised; use "anonymise"',
      });
    }
  }
  const { erasure } = rules;
  const ordered = [
    ['remindAfter', erasure.remindAfter],
    ['escalateAfter', erasure.escalateAfter],
    ['deadline', erasure.deadline],
  ] as const;
  for (let index = 1; index < ordered.length; index++) {
    const [beforeKey, before] = ordered[index - 1];
    const [key, value] = ordered[index];
    if (lengthOf(value) < lengthOf(before)) {
      errors.push({ file, pointer: `/retention/erasure/${key}`, reason: `${value} is shorter than ${beforeKey} (${before}): it must come later` });
    }
  }
  for (const [jurisdiction, deadline] of Object.entries(erasure.deadlineByJurisdiction)) {
    if (lengthOf(deadline) < lengthOf(erasure.escalateAfter)) {
      errors.push({
        file,
        pointer: `/retention/erasure/deadlineByJurisdiction/${jurisdiction.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        reason: `${deadline} is shorter than escalateAfter (${erasure.escalateAfter}): the escalation would come after the deadline`,
      });
    }
  }
  return errors;
}
