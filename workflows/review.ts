import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  allHandlersFinished,
  currentUpdateInfo,
} from '@temporalio/workflow';
import { SLA_EXPIRY, type DecisionRequest, type DecisionResult, type ExpiryOutcome } from '../core/review';
import type { createReviewActivities, ReviewPlan } from '../activities/reviews';

const activities = proxyActivities<ReturnType<typeof createReviewActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** A steward's decision. The validator refuses, before anything is recorded, a decision on a task
 * that is no longer open, a second vote by the same person, and (four-eyes) the person whose
 * action brought the record in. */
export const decideUpdate = defineUpdate<DecisionResult, [DecisionRequest]>('decide');

export interface ReviewState {
  status: 'open' | 'closing' | 'decided' | 'expired';
  decision?: string;
  decidedBy?: string;
  decidedAt?: number;
  approvals: string[];
}
export const reviewStateQuery = defineQuery<ReviewState>('state');

/** Started as review:<taskId> (core/workflow-ids) when onboarding opens a duplicate review. */
export async function review({ taskId }: { taskId: string }): Promise<ReviewState> {
  const state: ReviewState = { status: 'open', approvals: [] };
  let plan: ReviewPlan | undefined;
  setHandler(reviewStateQuery, () => state);

  /** Refuses a decision that may not be taken (thrown errors reach the caller at once). */
  const refuse = (request: DecisionRequest): void => {
    if (state.status !== 'open') {
      const when = state.decidedAt ? ` at ${new Date(state.decidedAt).toISOString()}` : '';
      throw ApplicationFailure.nonRetryable(`this task was already decided by ${state.decidedBy ?? 'someone else'}${when}`, 'AlreadyDecided');
    }
    if (plan?.fourEyes && request.decidedBy.userId === plan.receivedBy) {
      throw ApplicationFailure.nonRetryable('four-eyes rule: the person who sent this record may not decide its review', 'FourEyes');
    }
    if (request.decision === 'merge' && state.approvals.includes(request.decidedBy.email)) {
      throw ApplicationFailure.nonRetryable(`you already approved this merge; ${plan?.quorum} different approvals are needed`, 'AlreadyApproved');
    }
  };

  // registered before the first await, so a decision arriving while the plan loads is not lost
  setHandler(
    decideUpdate,
    async (request): Promise<DecisionResult> => {
      if (!plan) {
        await condition(() => plan !== undefined);
        refuse(request);
      }
      const { quorum } = plan!;
      const base = { taskId, decision: request.decision, decidedBy: request.decidedBy.email, quorum };
      // the update id: a retried recordDecision stores the decision once
      const key = `review:${taskId}:${currentUpdateInfo()?.id}`;
      if (request.decision === 'defer') {
        await activities.recordDecision({ taskId, request, key });
        return { ...base, state: 'recorded', approvals: state.approvals.length };
      }
      if (request.decision === 'merge') {
        state.approvals.push(request.decidedBy.email);
        if (state.approvals.length < quorum) {
          await activities.recordDecision({ taskId, request, key });
          return { ...base, state: 'recorded', approvals: state.approvals.length };
        }
      }
      // set before the first await: a concurrent decision now fails validation
      Object.assign(state, { status: 'closing', decision: request.decision, decidedBy: request.decidedBy.email, decidedAt: Date.now() });
      await activities.recordDecision({ taskId, request, key });
      await activities.applyReviewDecision({ taskId, decision: request.decision, decidedBy: request.decidedBy, via: request.via });
      state.status = 'decided';
      return { ...base, state: 'decided', approvals: state.approvals.length };
    },
    { validator: refuse },
  );

  plan = await activities.planReview({ taskId, openedAt: Date.now() });
  if (plan.status !== 'open') state.status = 'decided';

  if (state.status === 'open') {
    await activities.notifyReviewers({ taskId, kind: 'reviewRequest' });
    const steps = [
      { at: plan.remindAt, run: () => activities.notifyReviewers({ taskId, kind: 'reviewReminder' }) },
      { at: plan.escalateAt, run: () => activities.notifyReviewers({ taskId, kind: 'reviewEscalation' }) },
    ];
    let open = true;
    for (const step of steps) {
      open = !(await condition(() => state.status !== 'open', Math.max(1, step.at - Date.now())));
      if (!open) break;
      await step.run();
    }
    if (open && !(await condition(() => state.status !== 'open', Math.max(1, plan.expireAt - Date.now())))) {
      await expire(taskId, plan.expiryOutcome, state);
    }
  }
  await condition(() => state.status !== 'closing' && state.status !== 'open' && allHandlersFinished());
  return state;
}

async function expire(taskId: string, outcome: ExpiryOutcome, state: ReviewState): Promise<void> {
  if (outcome === 'leaveOpen') {
    // no default outcome: the task stays open, past its deadline, until someone decides
    await condition(() => state.status !== 'open');
    return;
  }
  Object.assign(state, { status: 'closing', decision: outcome, decidedBy: SLA_EXPIRY.email, decidedAt: Date.now() });
  await activities.applyReviewDecision({ taskId, decision: outcome, decidedBy: SLA_EXPIRY, via: 'sla' });
  state.status = 'expired';
}
