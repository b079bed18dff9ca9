import express, { type Router } from 'express';
import { REVIEW_DECISIONS, type DecisionResult, type ReviewDecision } from '../../core/review';
import type { Db } from '../../runtime/db';
import { consumeActionToken, inspectActionToken } from '../../store/action-tokens';
import { findTask, type Task } from '../../store/tasks';
import { renderReviewPage, type MessagePageModel } from './review-templates';
import { FORGED_REQUEST, csrfMatches, csrfTokenFor, sendMessage, sendRefusal, sentFromThisHost, validHolderOrRefusal, type ValidHolder } from './link-pages';
import { sendHtml } from './html-response';
import { DECISION_OUTCOMES, reviewPageModel } from './review-view';

export interface ReviewDecisionRequest {
  taskId: string;
  tokenId: string;
  decision: ReviewDecision;
  personEmail: string;
  comment?: string;
}

export type ReviewDecisionOutcome = { ok: true; result: DecisionResult } | { ok: false; status: number; message: string };

export interface ReviewPageDeps {
  db: Db;
  /** Takes the decision (the review workflow's Update). The token is already consumed when it is
   * called, so it must not consume it again; tokenId makes a good idempotency key. */
  decide: (request: ReviewDecisionRequest) => Promise<ReviewDecisionOutcome>;
}

const MAX_COMMENT_LENGTH = 2000;
/** who can still decide when a link expired */
const REFUSAL_WORDING = 'A steward';

/** The pages that email links open, at the root of the app. The token in the URL is the
 * credential: GET only shows (mail scanners open links), POST from the page decides. */
export function reviewPageRoutes(deps: ReviewPageDeps): Router {
  const router = express.Router();

  router.get('/review/:token', async (req, res) => {
    const holder = await validHolderOrRefusal(deps.db, req.params.token, res, 'review', REFUSAL_WORDING);
    if (!holder) return;
    const task = await taskOf(deps.db, holder);
    const model = await reviewPageModel(deps.db, task, holder.personEmail, csrfTokenFor(req.params.token, 'review-form'));
    sendHtml(res, 200, (nonce) => renderReviewPage(model, nonce));
  });

  router.post('/review/:token', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    if (!sentFromThisHost(req)) return sendMessage(res, 403, FORGED_REQUEST);
    const token = req.params.token;
    const holder = await validHolderOrRefusal(deps.db, token, res, 'review', REFUSAL_WORDING);
    if (!holder) return;
    const form: Record<string, unknown> = req.body ?? {};
    if (!csrfMatches(token, form.csrf, 'review-form')) return sendMessage(res, 403, FORGED_REQUEST);
    const decision = REVIEW_DECISIONS.find((known) => known === form.decision);
    if (!decision) return sendMessage(res, 400, { title: 'No decision', message: 'Choose Merge, Keep distinct or Defer.' });
    const comment = typeof form.comment === 'string' ? form.comment.trim() : '';
    if (comment.length > MAX_COMMENT_LENGTH) {
      return sendMessage(res, 400, { title: 'Comment too long', message: `Keep the comment to ${MAX_COMMENT_LENGTH} characters; go back to shorten it.` });
    }

    // A closed task keeps the link unused: the page says who decided and when, and nothing burns.
    const task = await taskOf(deps.db, holder);
    if (task.status !== 'open') {
      const model = await reviewPageModel(deps.db, task, holder.personEmail, '');
      return sendHtml(res, 409, (nonce) => renderReviewPage(model, nonce));
    }
    // Consumed before deciding, in one statement: of two posts racing, exactly one reaches decide.
    if (!(await consumeActionToken(deps.db, holder.tokenId))) {
      // another post used it, or it expired, since the check above: say which
      const lost = await inspectActionToken(deps.db, token);
      return sendRefusal(res, lost.state === 'valid' ? { state: 'unknown' } : lost, REFUSAL_WORDING);
    }
    const outcome = await deps.decide({
      taskId: holder.taskId,
      tokenId: holder.tokenId,
      decision,
      personEmail: holder.personEmail,
      comment: comment || undefined,
    });
    if (!outcome.ok) return sendMessage(res, outcome.status, { title: 'Decision not taken', message: outcome.message });
    sendMessage(res, 200, decisionTaken(outcome.result));
  });

  return router;
}

async function taskOf(db: Db, holder: ValidHolder): Promise<Task> {
  const task = await findTask(db, holder.taskId);
  if (!task) throw new Error(`action token ${holder.tokenId} names task ${holder.taskId}, which does not exist`);
  return task;
}

function decisionTaken(result: DecisionResult): MessagePageModel {
  if (result.state === 'recorded' && result.decision !== 'defer') {
    return {
      title: 'Approval recorded',
      message: `Your approval is recorded: ${result.approvals} of the ${result.quorum} needed to decide this task.`,
    };
  }
  return { title: DECISION_OUTCOMES[result.decision], message: 'Your decision is recorded. This link is now used; you may close the page.' };
}
