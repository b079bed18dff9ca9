import { jsonEqual } from '../json';
import type { SiteRules } from '../rules/types';
import { checksNeedingFixTasks, scoreCheck } from './scorecard';
import type { AuditRules, CheckScore, Severity } from './types';

/** What a draft of the rules would do to a site's audit scorecard, from the counts of its checks
 * over the same rows under the rules in force and under the draft. Figures and check ids only. */

/** Rows a check applies to and rows failing it, over the rows examined. */
export interface CheckCounts {
  rowsChecked: number;
  rowsFailed: number;
}

/** How one check scores on one side (the rules in force, or the draft). */
export interface CheckVerdict {
  rowsChecked: number;
  rowsFailed: number;
  failedPercent: number;
  threshold: number;
  severity: Severity;
  passed: boolean;
}

export interface CheckImpact {
  checkId: string;
  /** added or removed by the draft, its definition changed, or the same check */
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  /** under the rules in force (null: the draft adds it) */
  now: CheckVerdict | null;
  /** under the draft (null: the draft removes it) */
  draft: CheckVerdict | null;
}

export interface AuditImpact {
  /** the draft's checks in its order, then those it removes */
  checks: CheckImpact[];
  added: string[];
  removed: string[];
  /** checks passing now that would fail under the draft (added checks that would fail included) */
  wouldStartFailing: string[];
  /** checks failing now that would pass under the draft */
  wouldStartPassing: string[];
  /** failing checks at or above audits.fixTasks.minSeverity: the checks whose rows get data-fix tasks */
  fixTaskChecks: { now: string[]; draft: string[] };
}

/** One side of the comparison: the rules' audits section and the counts of its checks, in order. */
export interface AuditSide {
  audits: AuditRules;
  counts: readonly CheckCounts[];
}

/** What the checks read from a site's rules: the checks themselves, and what conformity,
 * validity (birth dates, postcodes) and the fix tasks read besides. */
export function auditInputsOf(rules: SiteRules): unknown {
  // not the report's settings nor how many failing rows are kept: they move no score
  const { checks, fixTasks } = rules.audits;
  return { checks, fixTasks, fields: rules.fields, defaultCountry: rules.normalisation.defaultCountry };
}

export function auditInputsChanged(current: SiteRules, draft: SiteRules): boolean {
  return !jsonEqual(auditInputsOf(current), auditInputsOf(draft));
}

export function auditImpact(now: AuditSide, draft: AuditSide): AuditImpact {
  const [scoredNow, scoredDraft] = [scored(now), scored(draft)];
  const [scoresNow, scoresDraft] = [verdictsById(scoredNow), verdictsById(scoredDraft)];
  const checksNow = new Map(now.audits.checks.map((check) => [check.id, check]));
  const checksDraft = new Map(draft.audits.checks.map((check) => [check.id, check]));
  const checks: CheckImpact[] = [
    ...draft.audits.checks.map((check) => {
      const before = checksNow.get(check.id);
      const change: CheckImpact['change'] = !before ? 'added' : jsonEqual(before, check) ? 'unchanged' : 'changed';
      return { checkId: check.id, change, now: scoresNow.get(check.id) ?? null, draft: scoresDraft.get(check.id)! };
    }),
    ...now.audits.checks.filter((check) => !checksDraft.has(check.id)).map((check) => ({ checkId: check.id, change: 'removed' as const, now: scoresNow.get(check.id)!, draft: null })),
  ];
  return {
    checks,
    added: checks.filter((check) => check.change === 'added').map((check) => check.checkId),
    removed: checks.filter((check) => check.change === 'removed').map((check) => check.checkId),
    wouldStartFailing: checks.filter((check) => check.draft && !check.draft.passed && (check.now?.passed ?? true)).map((check) => check.checkId),
    wouldStartPassing: checks.filter((check) => check.now && !check.now.passed && check.draft?.passed).map((check) => check.checkId),
    fixTaskChecks: {
      now: checksNeedingFixTasks(scoredNow, now.audits.fixTasks.minSeverity),
      draft: checksNeedingFixTasks(scoredDraft, draft.audits.fixTasks.minSeverity),
    },
  };
}

function scored(side: AuditSide): CheckScore[] {
  return side.audits.checks.map((check, index) => scoreCheck(check, side.counts[index]?.rowsChecked ?? 0, side.counts[index]?.rowsFailed ?? 0));
}

function verdictsById(scores: readonly CheckScore[]): Map<string, CheckVerdict> {
  return new Map(scores.map(({ checkId, rowsChecked, rowsFailed, failedPercent, threshold, severity, passed }) => [checkId, { rowsChecked, rowsFailed, failedPercent, threshold, severity, passed }]));
}
