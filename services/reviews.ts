import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Decider, DecisionRequest, DecisionResult } from '../core/review';
import { workflowIds } from '../core/workflow-ids';
import type { Db } from '../runtime/db';
import { findTask } from '../store/tasks';
import { AppError, conflict, forbidden, notFound } from '../api/errors';

export interface ReviewServiceDeps {
  db: Db;
  client: Client;
  taskQueue: string;
}

/** Starts review:<taskId> unless it runs or ran already. */
export async function startReviewWorkflow(deps: { client: Client; taskQueue: string }, taskId: string): Promise<void> {
  try {
    await deps.client.workflow.start('review', {
      taskQueue: deps.taskQueue,
      workflowId: workflowIds.review(taskId),
      args: [{ taskId }],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** Hands a decision to the task's review workflow as an Update, so the caller learns at once
 * whether it was taken: 409 when someone decided first (naming who), 403 under four-eyes. */
export async function decideReview(deps: ReviewServiceDeps, taskId: string, request: DecisionRequest): Promise<DecisionResult> {
  const task = await findTask(deps.db, taskId);
  if (!task || task.type !== 'duplicate_review') throw notFound(`no duplicate review task ${taskId}`);
  if (task.status !== 'open') {
    throw conflict(`this task was already decided by ${task.decidedBy} at ${task.decidedAt?.toISOString()}`, {
      decision: task.decision,
      decidedBy: task.decidedBy,
      decidedAt: task.decidedAt,
    });
  }
  try {
    return await sendDecision(deps, taskId, request);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw translate(error);
    // a task opened before its workflow started (or whose start was lost): start it now
    await startReviewWorkflow(deps, taskId);
    return sendDecision(deps, taskId, request).catch((retryError) => {
      throw translate(retryError);
    });
  }
}

function sendDecision(deps: ReviewServiceDeps, taskId: string, request: DecisionRequest): Promise<DecisionResult> {
  return deps.client.workflow.getHandle(workflowIds.review(taskId)).executeUpdate<DecisionResult, [DecisionRequest]>('decide', { args: [request] });
}

function translate(error: unknown): unknown {
  if (!(error instanceof WorkflowUpdateFailedError) || !(error.cause instanceof ApplicationFailure)) return error;
  const { type, message } = error.cause;
  if (type === 'FourEyes') return forbidden(message);
  if (type === 'AlreadyDecided' || type === 'AlreadyApproved') return conflict(message);
  return new AppError(422, 'decision_refused', message);
}

export function deciderOf(user: { id: string; email: string }): Decider {
  return { userId: user.id, email: user.email };
}
