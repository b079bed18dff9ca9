import type { RecordProblem } from './customer';

/** What onboarding decided for one source record. Ids and figures only: it is stored in workflow
 * histories, which are hard to erase. */
export type OnboardingOutcome =
  | { outcome: 'created'; sourceRecordId: string; customerId: string; rulesVersion: string }
  | { outcome: 'linked'; sourceRecordId: string; customerId: string; probability: number; rulesVersion: string }
  | {
      outcome: 'review';
      sourceRecordId: string;
      taskId: string;
      candidateCustomerId: string;
      probability: number;
      rulesVersion: string;
    }
  | { outcome: 'rejected'; sourceRecordId: string; problems: RecordProblem[]; rulesVersion: string };

export type PreparedRecord =
  | { state: 'valid'; rulesVersion: string }
  | { state: 'rejected'; problems: RecordProblem[]; rulesVersion: string }
  /** onboarded before: its stored outcome stands */
  | { state: 'done'; outcome: OnboardingOutcome };

export interface BestCandidate {
  customerId: string;
  evaluationId: string;
  probability: number;
  band: 'autoLink' | 'review' | 'distinct';
}

/** The steps of onboarding. The workflow passes Temporal activities; a bulk import passes the same
 * functions called in-process, so both follow one sequence. Every step is idempotent. */
export interface OnboardingSteps {
  prepareSourceRecord(input: { sourceRecordId: string; actor: string }): Promise<PreparedRecord>;
  matchSourceRecord(input: { sourceRecordId: string }): Promise<{ best?: BestCandidate; candidates: number }>;
  linkSourceRecord(input: { sourceRecordId: string; customerId: string; evaluationId: string; probability: number; actor: string }): Promise<OnboardingOutcome>;
  openDuplicateReview(input: { sourceRecordId: string; customerId: string; evaluationId: string; probability: number; actor: string }): Promise<OnboardingOutcome>;
  /** With `recheck`, refuses ('matchChanged') when a golden record that now matches appeared
   * since the match: two duplicates onboarded at once must not both create one. */
  createGoldenRecord(input: { sourceRecordId: string; actor: string; recheck: boolean }): Promise<OnboardingOutcome | { outcome: 'matchChanged' }>;
}

/** Matching rounds before a record creates its golden record without a recheck. */
export const MATCH_ROUNDS = 3;

/** validate and normalise; find and score candidates; then link, review or create. */
export async function runOnboarding(steps: OnboardingSteps, sourceRecordId: string, actor: string): Promise<OnboardingOutcome> {
  const prepared = await steps.prepareSourceRecord({ sourceRecordId, actor });
  if (prepared.state === 'done') return prepared.outcome;
  if (prepared.state === 'rejected') {
    return { outcome: 'rejected', sourceRecordId, problems: prepared.problems, rulesVersion: prepared.rulesVersion };
  }
  for (let round = 1; ; round++) {
    const { best } = await steps.matchSourceRecord({ sourceRecordId });
    if (best?.band === 'autoLink') {
      return steps.linkSourceRecord({ sourceRecordId, customerId: best.customerId, evaluationId: best.evaluationId, probability: best.probability, actor });
    }
    if (best?.band === 'review') {
      return steps.openDuplicateReview({ sourceRecordId, customerId: best.customerId, evaluationId: best.evaluationId, probability: best.probability, actor });
    }
    const created = await steps.createGoldenRecord({ sourceRecordId, actor, recheck: round < MATCH_ROUNDS });
    if (created.outcome !== 'matchChanged') return created;
  }
}
