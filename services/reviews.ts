import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Decider, DecisionRequest, DecisionResult, ReviewDecision } from '../core/review';
import type { SiteRulesSource } from '../core/rules/types';
import { canActOnSite, findUserByEmail } from '../store/users';
import { workflowIds } from '../core/workflow-ids';
import type { Db } from '../runtime/db';
import { findTask } from '../store/tasks';
import { storeDecisionNote } from '../store/decision-notes';
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

/** A comment is free text: it is stored first and the Update carries its id, so it never reaches
 * the workflow history (which erasure cannot reach). */
async function sendDecision(deps: ReviewServiceDeps, taskId: string, request: DecisionRequest): Promise<DecisionResult> {
  const { comment, ...rest } = request;
  const sent: DecisionRequest = comment ? { ...rest, commentId: await storeDecisionNote(deps.db, comment) } : rest;
  return deps.client.workflow.getHandle(workflowIds.review(taskId)).executeUpdate<DecisionResult, [DecisionRequest]>('decide', { args: [sent] });
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

/** The decision behind an email link. The link names one person; that person must still be a
 * steward or back-up of the task's site (in the rules, or as a user with the role). */
export async function decideFromEmailLink(
  deps: ReviewServiceDeps & { rules: SiteRulesSource },
  request: { taskId: string; decision: ReviewDecision; personEmail: string; comment?: string },
): Promise<{ ok: true; result: DecisionResult } | { ok: false; status: number; message: string }> {
  try {
    const task = await findTask(deps.db, request.taskId);
    if (!task) throw notFound(`no task ${request.taskId}`);
    const user = await findUserByEmail(deps.db, request.personEmail);
    const stewardship = deps.rules.forSite(task.siteId)?.rules.stewardship;
    const listed = [...(stewardship?.stewards ?? []), ...(stewardship?.backups ?? [])].map((email) => email.toLowerCase());
    const mayDecide =
      listed.includes(request.personEmail.toLowerCase()) ||
      (user !== undefined && canActOnSite(user, task.siteId) && user.roles.some((role) => role === 'steward' || role === 'admin'));
    if (!mayDecide) throw forbidden(`${request.personEmail} may no longer decide reviews of site ${task.siteId}`);
    const decidedBy: Decider = user ? deciderOf(user) : { userId: `email:${request.personEmail}`, email: request.personEmail };
    const result = await decideReview(deps, request.taskId, { decision: request.decision, decidedBy, via: 'email', comment: request.comment });
    return { ok: true, result };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, status: error.status, message: error.message };
    throw error;
  }
}
