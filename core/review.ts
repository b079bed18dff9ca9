import type { ReviewExpiryOutcome } from './rules/types';

/** Duplicate review: the decisions a steward can take, and what the workflow knows. */
export const REVIEW_DECISIONS = ['merge', 'keepDistinct', 'defer'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export type DecisionChannel = 'api' | 'email';

export interface Decider {
  userId: string;
  email: string;
}

export interface DecisionRequest {
  decision: ReviewDecision;
  decidedBy: Decider;
  via: DecisionChannel;
  comment?: string;
  /** the comment, stored (store/decision-notes) before the decision is sent to the review
   * workflow, which receives this id instead of the text */
  commentId?: string;
}

export interface DecisionResult {
  taskId: string;
  /** decided: the task is closed with this decision; recorded: counted towards a quorum, or deferred */
  state: 'decided' | 'recorded';
  decision: ReviewDecision;
  decidedBy: string;
  approvals: number;
  quorum: number;
}

/** What happens to a review nobody decided before it expires (the site's rules choose). */
export type ExpiryOutcome = ReviewExpiryOutcome;

/** The decider recorded when a review expires with a default outcome. */
export const SLA_EXPIRY: Decider = { userId: 'sla-expiry', email: 'sla-expiry' };
