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
