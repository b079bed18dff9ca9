import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalBinary } from '../../runtime/temporal-server';

/**
 * Temporal's time-skipping test server, from the project's tools folder (the SDK cannot download
 * it here). Time only moves in `sleep` and while a workflow result is awaited, firing every timer
 * due on the way; activities still run in real time.
 */
export function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: findTemporalBinary('temporal-test-server') } },
  });
}
