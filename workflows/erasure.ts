import { ApplicationFailure, allHandlersFinished, condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ErasureDecisionRequest, ErasureDecisionResult, ErasureStatus } from '../core/erasure';
import type { createErasureActivities } from '../activities/erasure';

const activities = proxyActivities<ReturnType<typeof createErasureActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** A compliance officer's decision. The validator refuses a second decision before anything is
 * recorded; who may decide is checked by the API before the update is sent. */
export const decideErasureUpdate = defineUpdate<ErasureDecisionResult, [ErasureDecisionRequest]>('decideErasure');

export interface ErasureState {
  status: ErasureStatus;
  decidedBy?: string;
  decidedAt?: number;
}
export const erasureStateQuery = defineQuery<ErasureState>('state');

/** Started as erasure:<requestId> (core/workflow-ids): approval by a compliance officer, reminders
 * and escalation before the legal deadline, then erasure everywhere (or the rejection), then the
 * requester is told. The workflow carries the request id only. */
export async function erasure({ requestId }: { requestId: string }): Promise<ErasureState> {
  const state: ErasureState = { status: 'pending_approval' };
  let decided = false;
  setHandler(erasureStateQuery, () => state);
  setHandler(
    decideErasureUpdate,
    async (request): Promise<ErasureDecisionResult> => {
      // set before the first await: a concurrent decision now fails validation
      Object.assign(state, { status: request.decision === 'approve' ? 'approved' : 'rejected', decidedBy: request.decidedBy.email, decidedAt: Date.now() });
      await activities.recordErasureDecision({ requestId, request });
      decided = true;
      return { requestId, status: state.status, decidedBy: request.decidedBy.email };
    },
    {
      validator: (_request: ErasureDecisionRequest) => {
        if (state.status !== 'pending_approval') {
          const when = state.decidedAt ? ` at ${new Date(state.decidedAt).toISOString()}` : '';
          throw ApplicationFailure.nonRetryable(`this erasure request is already ${state.status}${state.decidedBy ? ` by ${state.decidedBy}` : ''}${when}`, 'AlreadyDecided');
        }
      },
    },
  );

  const plan = await activities.planErasure({ requestId });
  if (plan.status !== 'pending_approval') {
    state.status = plan.status;
    return state;
  }
  await activities.openErasureApprovals({ requestId });
  await activities.notifyErasureOfficers({ requestId, kind: 'request' });
  const steps = [
    { at: plan.remindAt, run: () => activities.notifyErasureOfficers({ requestId, kind: 'reminder' }) },
    { at: plan.escalateAt, run: () => activities.notifyErasureOfficers({ requestId, kind: 'escalation' }) },
  ];
  for (const step of steps) {
    if (await condition(() => decided, Math.max(1, step.at - Date.now()))) break;
    await step.run();
  }
  // past the legal deadline the request still waits for a decision: erasure is never automatic
  await condition(() => decided);

  if (state.status === 'approved') state.status = (await activities.eraseRequest({ requestId })).status;
  await activities.notifyRequester({ requestId });
  await condition(allHandlersFinished);
  return state;
}
