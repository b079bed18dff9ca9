import type { Knex } from 'knex';
import { auditImpact, auditInputsChanged, type AuditImpact } from '../core/audits/audit-impact';
import { jsonEqual } from '../core/json';
import { matchingImpact, survivorshipImpact, type MatchingImpact, type SurvivorshipImpact } from '../core/rules/rule-impact';
import { buildScopedRuleSet, GLOBAL_SCOPE } from '../core/rules/rule-scope';
import type { MatchField, MatchingRules, SiteRules, VersionedSiteRules } from '../core/rules/types';
import type { Db } from '../runtime/db';
import { checkSql } from '../store/audit-check-sql';
import { countChecks, countFixTasks, inReadOnlySnapshot, isStatementTimeout, limitStatements, type FixTaskCounts, type FixTaskSide } from '../store/audit-preview';
import type { RuleDraft } from '../store/rule-drafts';
import { decidingPairsOfSite, goldenRecordsOfSite, type Sampled } from '../store/rule-impact';
import { latestPublications } from '../store/rule-publications';
import { checkRuleSetWith, invalidRules } from './rule-validation';

export interface ImpactLimits {
  /** most pairs and most golden records examined per site; more are sampled */
  sampleLimit: number;
  /** sites not reached within this time are listed as not examined */
  timeBudgetMs: number;
}

export const DEFAULT_IMPACT_LIMITS: ImpactLimits = { sampleLimit: 5000, timeBudgetMs: 10_000 };

/** How a figure was obtained: over every row, or over a sample of them. */
interface Coverage {
  total: number;
  examined: number;
  sampled: boolean;
}

/** Not computed: the data did not come within the time budget. */
type TimedOut = { changed: true; computed: false; reason: string };
type Section<T> = { changed: false } | ({ changed: true } & Coverage & T) | TimedOut;

export interface SiteImpact {
  siteId: string;
  matching: Section<MatchingImpact>;
  survivorship: Section<SurvivorshipImpact>;
  audits: AuditsSection;
}

/** Audit scores are computed by running the checks in PostgreSQL; a site whose statement does not
 * finish within the time left says so instead. */
export type AuditsSection =
  | { changed: false }
  | { changed: true; computed: false; reason: string }
  | ({ changed: true; computed: true } & Coverage & AuditImpact & { fixTasks: { now: FixTaskCounts; draft: FixTaskCounts } });

export interface RuleImpact {
  scope: string;
  draftId: string;
  baseVersion: number;
  sites: SiteImpact[];
  /** sites the time budget did not reach */
  notExamined: string[];
  sampleLimit: number;
  elapsedMs: number;
}

const TIMED_OUT = 'not computed: the data did not come within the time budget; preview again with a smaller sampleLimit';
/** The least time a statement is given, even when the budget is almost spent. */
const MIN_STATEMENT_MS = 1000;

/** What publishing the draft would change on the data as it is now, per affected site (the
 * caller's sites among them), without changing anything. */
export async function previewDraftImpact(db: Db, draft: RuleDraft, siteIds: (sites: string[]) => string[], limits: ImpactLimits = DEFAULT_IMPACT_LIMITS): Promise<RuleImpact> {
  const started = Date.now();
  const drafted = await checkRuleSetWith(db, draft.scope, draft.fileText);
  if (!drafted.sites) throw invalidRules(draft.scope, drafted.errors);
  const published = buildScopedRuleSet(new Map((await latestPublications(db)).map((publication) => [publication.scope, publication.fileText])));
  const inForce: Map<string, VersionedSiteRules> = published.ok ? published.sites : new Map();
  const affected = siteIds(draft.scope === GLOBAL_SCOPE ? [...drafted.sites.keys()] : [draft.scope]);

  const sites: SiteImpact[] = [];
  const notExamined: string[] = [];
  for (const siteId of affected) {
    const [current, next] = [inForce.get(siteId)?.rules, drafted.sites.get(siteId)?.rules];
    if (!next) continue;
    if (Date.now() - started > limits.timeBudgetMs) {
      notExamined.push(siteId);
      continue;
    }
    sites.push(await siteImpact(db, siteId, current, next, limits.sampleLimit, started + limits.timeBudgetMs));
  }
  return { scope: draft.scope, draftId: draft.id, baseVersion: draft.baseVersion, sites, notExamined, sampleLimit: limits.sampleLimit, elapsedMs: Date.now() - started };
}

/** Fields whose exact agreements either version weighs by how common the value is. */
function frequencyFields(...versions: MatchingRules[]): MatchField[] {
  return [...new Set(versions.flatMap((matching) => matching.comparisons.filter((comparison) => comparison.termFrequency).map((comparison) => comparison.field)))];
}

async function siteImpact(db: Db, siteId: string, current: SiteRules | undefined, next: SiteRules, sampleLimit: number, deadline: number): Promise<SiteImpact> {
  // a site new in the draft has no data yet: nothing to compare with
  const matchingChanged = current !== undefined && !jsonEqual(current.matching, next.matching);
  const survivorshipChanged = current !== undefined && !jsonEqual(current.survivorship, next.survivorship);
  const auditsChanged = current !== undefined && auditInputsChanged(current, next);
  return {
    siteId,
    matching: matchingChanged
      ? await section(
          db,
          deadline,
          (snapshot) => decidingPairsOfSite(snapshot, siteId, sampleLimit, frequencyFields(current.matching, next.matching)),
          (pairs) => matchingImpact(pairs, current.matching, next.matching),
        )
      : { changed: false },
    survivorship: survivorshipChanged
      ? await section(
          db,
          deadline,
          (snapshot) => goldenRecordsOfSite(snapshot, siteId, sampleLimit),
          (goldens) => survivorshipImpact(goldens, current.survivorship, next.survivorship),
        )
      : { changed: false },
    audits: auditsChanged ? await auditsImpact(db, siteId, current, next, sampleLimit, deadline) : { changed: false },
  };
}

/** The site's scorecard under the rules in force and under the draft, over the same rows (both
 * sides' checks in one statement of the audit engine's SQL), then the fix tasks an audit would
 * open and resolve under each, on one read-only snapshot: nothing is stored.
 * (Exported for bench/rule-impact-audits.) */
export async function auditsImpact(db: Db, siteId: string, current: SiteRules, next: SiteRules, sampleLimit: number, deadline: number): Promise<AuditsSection> {
  const asOf = new Date();
  const sqlOf = (rules: SiteRules) =>
    rules.audits.checks.map((check) => checkSql(check, { asOf, fields: rules.fields, defaultCountry: rules.normalisation.defaultCountry }));
  const [now, draft] = [sqlOf(current), sqlOf(next)];
  try {
    const timeLeft = () => Math.max(deadline - Date.now(), MIN_STATEMENT_MS);
    const checks = [...now, ...draft];
    return await inReadOnlySnapshot(db, timeLeft(), async (snapshot) => {
      const sample = await countChecks(snapshot, siteId, checks, sampleLimit);
      const impact = auditImpact({ audits: current.audits, counts: sample.counts.slice(0, now.length) }, { audits: next.audits, counts: sample.counts.slice(now.length) });
      // which checks call for fix tasks depends on the scores: a second statement, over the same rows
      const side = (rules: SiteRules, offset: number, fixTaskChecks: string[]): FixTaskSide => {
        const ids = rules.audits.checks.map((check, index) => ({ index: offset + index, checkId: check.id }));
        return { checks: ids, fixTaskCheckIndexes: ids.filter(({ checkId }) => fixTaskChecks.includes(checkId)).map(({ index }) => index), maxPerRun: rules.audits.fixTasks.maxPerRun };
      };
      await limitStatements(snapshot, timeLeft());
      const [fixNow, fixDraft] = await countFixTasks(snapshot, siteId, checks, [side(current, 0, impact.fixTaskChecks.now), side(next, now.length, impact.fixTaskChecks.draft)], sample.ids);
      const coverage = { total: sample.total, examined: sample.examined, sampled: sample.examined < sample.total };
      return { changed: true as const, computed: true as const, ...coverage, ...impact, fixTasks: { now: fixNow!, draft: fixDraft! } };
    });
  } catch (error) {
    if (isStatementTimeout(error)) return { changed: true, computed: false, reason: TIMED_OUT };
    throw error;
  }
}

/** A sample read on a read-only snapshot whose statements end at the deadline, then figured. */
async function section<Row, T>(
  db: Db,
  deadline: number,
  read: (snapshot: Knex.Transaction) => Promise<Sampled<Row>>,
  compute: (rows: Row[]) => T,
): Promise<Section<T>> {
  try {
    const sample = await inReadOnlySnapshot(db, Math.max(deadline - Date.now(), MIN_STATEMENT_MS), read);
    return { changed: true, total: sample.total, examined: sample.rows.length, sampled: sample.rows.length < sample.total, ...compute(sample.rows) };
  } catch (error) {
    if (isStatementTimeout(error)) return { changed: true, computed: false, reason: TIMED_OUT };
    throw error;
  }
}
