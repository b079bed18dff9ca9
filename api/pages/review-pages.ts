import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { REVIEW_DECISIONS, type DecisionResult, type ReviewDecision } from '../../core/review';
import type { Db } from '../../runtime/db';
import { consumeActionToken, inspectActionToken, type ActionTokenInspection } from '../../store/action-tokens';
import { findTask, type Task } from '../../store/tasks';
import { sendHtml } from './html-response';
import { renderMessagePage, renderReviewPage, type MessagePageModel } from './review-templates';
import { DECISION_OUTCOMES, formatTime, reviewPageModel } from './review-view';

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

type ValidHolder = Extract<ActionTokenInspection, { state: 'valid' }>;

const MAX_COMMENT_LENGTH = 2000;

const FORGED_REQUEST: MessagePageModel = {
  title: 'Request refused',
  message: 'This decision was not sent from its review page. Open the link from your email again and decide there.',
};

/** The pages that email links open, at the root of the app. The token in the URL is the
 * credential: GET only shows (mail scanners open links), POST from the page decides. */
export function reviewPageRoutes(deps: ReviewPageDeps): Router {
  const router = express.Router();

  router.get('/review/:token', async (req, res) => {
    const holder = await validHolderOrRefusal(deps.db, req.params.token, res);
    if (!holder) return;
    const task = await taskOf(deps.db, holder);
    const model = await reviewPageModel(deps.db, task, holder.personEmail, csrfTokenFor(req.params.token));
    sendHtml(res, 200, (nonce) => renderReviewPage(model, nonce));
  });

  router.post('/review/:token', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    if (!sentFromThisHost(req)) return sendMessage(res, 403, FORGED_REQUEST);
    const token = req.params.token;
    const holder = await validHolderOrRefusal(deps.db, token, res);
    if (!holder) return;
    const form: Record<string, unknown> = req.body ?? {};
    if (!csrfMatches(token, form.csrf)) return sendMessage(res, 403, FORGED_REQUEST);
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
      return sendRefusal(res, lost.state === 'valid' ? { state: 'unknown' } : lost);
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

async function validHolderOrRefusal(db: Db, token: string, res: Response): Promise<ValidHolder | undefined> {
  const inspection = await inspectActionToken(db, token);
  if (inspection.state === 'valid') return inspection;
  sendRefusal(res, inspection);
  return undefined;
}

async function taskOf(db: Db, holder: ValidHolder): Promise<Task> {
  const task = await findTask(db, holder.taskId);
  if (!task) throw new Error(`action token ${holder.tokenId} names task ${holder.taskId}, which does not exist`);
  return task;
}

function sendRefusal(res: Response, inspection: Exclude<ActionTokenInspection, ValidHolder>): void {
  switch (inspection.state) {
    case 'used':
      return sendMessage(res, 410, { title: 'Link already used', message: `This link was already used on ${formatTime(inspection.usedAt)}. Each link works once.` });
    case 'expired':
      return sendMessage(res, 410, { title: 'Link expired', message: `This link expired on ${formatTime(inspection.expiredAt)}. A steward can still decide the task through the API.` });
    case 'unknown':
      return sendMessage(res, 404, { title: 'Link not valid', message: 'This link is not valid (mistyped or tampered). Open it again from your email, in full.' });
  }
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

/** The form carries a value only the holder of the link can compute: a page on another site that
 * posts to this URL does not know the token, so it cannot forge it. */
function csrfTokenFor(actionToken: string): string {
  return createHmac('sha256', actionToken).update('review-form').digest('base64url');
}

function csrfMatches(actionToken: string, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(actionToken));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Browsers name the page a form was posted from; a post from another host (or an opaque
 * "null" origin) is refused. Clients that send neither still need the form's CSRF value. */
function sentFromThisHost(req: Request): boolean {
  const origin = req.get('origin') ?? req.get('referer');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.host;
  } catch {
    return false;
  }
}

function sendMessage(res: Response, status: number, page: MessagePageModel): void {
  sendHtml(res, status, (nonce) => renderMessagePage(page, nonce));
}
