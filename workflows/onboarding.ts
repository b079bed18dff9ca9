import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { runOnboarding, type OnboardingOutcome, type OnboardingSteps } from '../core/onboarding';

const steps = proxyActivities<OnboardingSteps>({
  // each step is one short transaction: a worker that dies mid-step is noticed and retried soon
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

export interface OnboardingInput {
  /** the stored source record: the workflow carries its id, never its personal data */
  sourceRecordId: string;
}

/** Started as onboarding:<site>:<system>:<sourceId> (core/workflow-ids). */
export async function onboarding(input: OnboardingInput): Promise<OnboardingOutcome> {
  return runOnboarding(steps, input.sourceRecordId, workflowInfo().workflowId);
}
