import express, { type Router } from 'express';
import { ERASURE_DECISIONS, type ErasureDecisionResult } from '../../core/erasure';
import type { Db } from '../../runtime/db';
import { consumeActionToken, inspectActionToken } from '../../store/action-tokens';
import { findErasureRequest, type ErasureRequest } from '../../store/erasure-requests';
import { findTask } from '../../store/tasks';
import { FORGED_REQUEST, csrfMatches, csrfTokenFor, sendMessage, sendRefusal, sentFromThisHost, validHolderOrRefusal, type ValidHolder } from './link-pages';
import { sendHtml } from './html-response';
import { compileLinkPage } from './review-templates';
import { formatTime } from './review-view';

export interface ErasureLinkDecision {
  requestId: string;
  personEmail: string;
  decision: (typeof ERASURE_DECISIONS)[number];
  reason: string;
}

export interface ErasurePageDeps {
  db: Db;
  /** Takes the decision (the erasure workflow's Update) for the person the link was mailed to. */
  decide: (decision: ErasureLinkDecision) => Promise<{ ok: true; result: ErasureDecisionResult } | { ok: false; status: number; message: string }>;
}

interface ErasurePageModel {
  request: { id: string; sites: string; filedAt: string; deadlineAt: string; goldenRecords: number; sourceRecords: number; status: string };
  personEmail: string;
  form: { csrf: string } | null;
}

// Ids, sites, dates and counts only: the person's values are never shown on a page a link opens.
const erasureTemplate = compileLinkPage<ErasurePageModel>(`<h1>Erasure request {{request.id}}</h1>
<p class="meta">Filed {{request.filedAt}} · legal deadline {{request.deadlineAt}} · you are {{personEmail}}</p>
<table>
  <tr><th scope="row">Sites concerned</th><td>{{request.sites}}</td></tr>
  <tr><th scope="row">Golden records</th><td>{{request.goldenRecords}}</td></tr>
  <tr><th scope="row">Source records</th><td>{{request.sourceRecords}}</td></tr>
  <tr><th scope="row">Status</th><td>{{request.status}}</td></tr>
</table>
{{#if form}}
<h2>Your decision</h2>
<p>Approving erases the person at every site concerned, at once and for good.</p>
<form method="post">
  <input type="hidden" name="csrf" value="{{form.csrf}}">
  <p><label for="reason">Reason (required to reject)</label></p>
  <p><textarea id="reason" name="reason" maxlength="2000"></textarea></p>
  <p>
    <button type="submit" name="decision" value="approve">Approve the erasure</button>
    <button type="submit" name="decision" value="reject">Reject</button>
  </p>
</form>
{{else}}
<p class="closed">Nothing is left to decide.</p>
{{/if}}`);

const FORM = 'erasure-form';
const WHO_ELSE = 'A compliance officer';
const MAX_REASON_LENGTH = 2000;

/** The page an erasure mail's link opens: GET shows the request (ids and counts), POST from it
 * approves or rejects, once. */
export function erasurePageRoutes(deps: ErasurePageDeps): Router {
  const router = express.Router();

  router.get('/erasure/:token', async (req, res) => {
    const holder = await validHolderOrRefusal(deps.db, req.params.token, res, 'erasure', WHO_ELSE);
    if (!holder) return;
    const request = await requestOf(deps.db, holder);
    const form = request.status === 'pending_approval' ? { csrf: csrfTokenFor(req.params.token, FORM) } : null;
    sendHtml(res, 200, (nonce) => erasureTemplate({ ...model(request, holder.personEmail), form, title: `Erasure request ${request.id}`, nonce }));
  });

  router.post('/erasure/:token', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    if (!sentFromThisHost(req)) return sendMessage(res, 403, FORGED_REQUEST);
    const token = req.params.token;
    const holder = await validHolderOrRefusal(deps.db, token, res, 'erasure', WHO_ELSE);
    if (!holder) return;
    const form: Record<string, unknown> = req.body ?? {};
    if (!csrfMatches(token, form.csrf, FORM)) return sendMessage(res, 403, FORGED_REQUEST);
    const decision = ERASURE_DECISIONS.find((known) => known === form.decision);
    if (!decision) return sendMessage(res, 400, { title: 'No decision', message: 'Choose Approve or Reject.' });
    const reason = typeof form.reason === 'string' ? form.reason.trim() : '';
    if (decision === 'reject' && reason === '') return sendMessage(res, 400, { title: 'Reason needed', message: 'Say why the request is rejected; go back to add it.' });
    if (reason.length > MAX_REASON_LENGTH) return sendMessage(res, 400, { title: 'Reason too long', message: `Keep the reason to ${MAX_REASON_LENGTH} characters.` });

    const request = await requestOf(deps.db, holder);
    if (request.status !== 'pending_approval') {
      return sendMessage(res, 409, { title: 'Already decided', message: `This request is already ${request.status}${request.decidedBy ? ` by ${request.decidedBy}` : ''}.` });
    }
    // consumed before deciding, in one statement: of two posts racing, exactly one reaches decide
    if (!(await consumeActionToken(deps.db, holder.tokenId))) {
      const lost = await inspectActionToken(deps.db, token);
      return sendRefusal(res, lost.state === 'valid' ? { state: 'unknown' } : lost, WHO_ELSE);
    }
    const outcome = await deps.decide({ requestId: request.id, personEmail: holder.personEmail, decision, reason });
    if (!outcome.ok) return sendMessage(res, outcome.status, { title: 'Decision not taken', message: outcome.message });
    sendMessage(res, 200, {
      title: decision === 'approve' ? 'Erasure approved' : 'Erasure rejected',
      message: decision === 'approve' ? 'The person is being erased at every site concerned; the requester will be told.' : 'Your rejection and its reason are recorded; the requester will be told.',
    });
  });

  return router;
}

async function requestOf(db: Db, holder: ValidHolder): Promise<ErasureRequest> {
  const task = await findTask(db, holder.taskId);
  const requestId = task?.details.erasureRequestId;
  const request = typeof requestId === 'string' ? await findErasureRequest(db, requestId) : undefined;
  if (!request) throw new Error(`action token ${holder.tokenId} names task ${holder.taskId}, which belongs to no erasure request`);
  return request;
}

function model(request: ErasureRequest, personEmail: string): Omit<ErasurePageModel, 'form'> {
  return {
    request: {
      id: request.id,
      sites: request.siteIds.join(', '),
      filedAt: formatTime(request.createdAt),
      deadlineAt: formatTime(request.deadlineAt),
      goldenRecords: request.customerIds.length,
      sourceRecords: request.sourceRecordIds.length,
      status: request.status.replace('_', ' '),
    },
    personEmail,
  };
}
