import type { VersionedSiteRules } from '../rules/types';
import { retentionCutoff } from './periods';
import { RETENTION_CATEGORIES, type RetentionAction, type RetentionCategory } from './types';

/** One category's rule as a purge applies it: everything of the site last active before `cutoff`. */
export interface CategoryPlan {
  cutoff: string;
  action: RetentionAction;
  legalBasis: string;
}

export type PurgePlan = Record<RetentionCategory, CategoryPlan>;

/** Each category's cutoff and action under the site's rules at `now`: what the purge log records. */
export function purgePlan(rules: VersionedSiteRules, now: Date): PurgePlan {
  return Object.fromEntries(
    RETENTION_CATEGORIES.map((category) => {
      const rule = rules.rules.retention.categories[category];
      return [category, { cutoff: retentionCutoff(now, rule.inactiveFor).toISOString(), action: rule.action, legalBasis: rule.legalBasis }];
    }),
  ) as PurgePlan;
}

