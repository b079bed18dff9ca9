import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import express from 'express';
import { errorHandler, unknownRoute } from '../../api/errors';
import { reviewPageRoutes, type ReviewDecisionOutcome, type ReviewDecisionRequest } from '../../api/pages/review-pages';
import type { CustomerRecord } from '../../core/customer';
import { ConfigError } from '../../runtime/config';
import type { Db } from '../../runtime/db';
import { loadActionTokenSecret } from '../../runtime/secrets';
import { receiveSubmission } from '../../services/onboarding';
import { inspectActionToken, issueActionToken } from '../../store/action-tokens';
import { insertGoldenRecord } from '../../store/customers';
import { saveMatchEvaluation } from '../../store/match-evaluations';
import { findTask, openTask } from '../../store/tasks';
import { createTestDatabase, type TestDatabase } from '../support/servers';

const SITE = 'fr-paris-hq';
const STEWARD = 'Steward@Example.com';
const HOUR = 3_600_000;

const goldenValues: CustomerRecord = { givenName: 'Marie', familyName: "O'Brien", email: 'marie@example.test', city: 'Paris' };
// the incoming record differs in family name (with markup, which must come out escaped) and city
const incomingValues: CustomerRecord = { givenName: 'Marie', familyName: 'O<b>Brien</b>', email: 'marie@example.test', city: 'Lyon' };

/** Every request the pages handed to decide, per test. */
const decisions: ReviewDecisionRequest[] = [];

/** Stands in for the review workflow's Update: closes an open task, or answers 409 naming who did. */
async function decideInDatabase(db: Db, request: ReviewDecisionRequest): Promise<ReviewDecisionOutcome> {
  decisions.push(request);
  const closed = await db('tasks')
    .where({ id: request.taskId, status: 'open' })
    .update({ status: 'decided', decision: request.decision, decided_by: request.personEmail, decided_via: 'email', decided_at: db.fn.now() })
    .returning(['id']);
  if (closed.length === 0) {
    const task = await findTask(db, request.taskId);
    return { ok: false, status: 409, message: `already decided by ${task?.decidedBy} at ${task?.decidedAt?.toISOString()}` };
  }
  return {
    ok: true,
    result: { taskId: request.taskId, state: 'decided', decision: request.decision, decidedBy: request.personEmail, approvals: 1, quorum: 1 },
  };
}

describe('the review pages that email links open', () => {
  let database: TestDatabase;
  let db: Db;
  let baseUrl: string;
  let server: Server;
  const secret = randomBytes(32);
  let reviews = 0;
  /** An open duplicate-review task: an incoming record against a golden record, scored. */
  async function openReviewTask(): Promise<string> {
    reviews += 1;
    const submit = (sourceId: string, record: CustomerRecord) =>
      receiveSubmission(db, { siteId: SITE, sourceSystem: 'crm', sourceId: `${sourceId}-${reviews}`, record }, 'test');
    const { sourceRecord: existing } = await submit('existing', goldenValues);
    const { sourceRecord: incoming } = await submit('incoming', incomingValues);
    const golden = await insertGoldenRecord(db, SITE, { record: goldenValues, provenance: {}, nameKey: null, rulesVersion: 'test' });
    const evaluationId = await saveMatchEvaluation(db, {
      sourceRecordId: incoming.id,
      customerId: golden.id,
      matchedSourceRecordId: existing.id,
      rulesVersion: 'test',
      score: {
        weight: 3.5,
        probability: 0.8125,
        band: 'review',
        fields: [
          { field: 'familyName', comparator: 'jaroWinkler', level: 'similar', weight: 2.25 },
          { field: 'city', comparator: 'exact', level: 'different', weight: -1.5 },
        ],
      },
    });
    const { task } = await openTask(db, {
      siteId: SITE,
      type: 'duplicate_review',
      idempotencyKey: `review-${reviews}`,
      workflowId: `review:${reviews}`,
      sourceRecordId: incoming.id,
      customerId: golden.id,
      matchEvaluationId: evaluationId,
      rulesVersion: 'test',
    });
    return task.id;
  }

  function tokenFor(taskId: string, expiresAt = new Date(Date.now() + 48 * HOUR)): Promise<string> {
    return issueActionToken(db, secret, { taskId, personEmail: STEWARD, purpose: 'review', expiresAt, issueKey: `${taskId}:${expiresAt.getTime()}` });
  }

  async function open(token: string) {
    const response = await fetch(`${baseUrl}/review/${token}`);
    return { status: response.status, headers: response.headers, html: await response.text() };
  }

  function csrfOf(html: string): string {
    const found = /name="csrf" value="([^"]+)"/.exec(html);
    if (!found) throw new Error('the page has no decision form');
    return found[1];
  }

  async function post(token: string, form: Record<string, string>, headers: Record<string, string> = { origin: baseUrl }) {
    const response = await fetch(`${baseUrl}/review/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, html: await response.text() };
  }

  /** Opens the page as the steward would and posts its form with this decision. */
  async function decideFromPage(token: string, decision: string, headers?: Record<string, string>) {
    const page = await open(token);
    return post(token, { csrf: csrfOf(page.html), decision, comment: 'checked by phone' }, headers);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const app = express();
    app.use(reviewPageRoutes({ db, decide: (request) => decideInDatabase(db, request) }));
    app.use(unknownRoute);
    app.use(errorHandler((line) => console.error(line)));
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await database.drop();
  });
  beforeEach(() => {
    decisions.length = 0;
  });

  it('issues one token per issue key, stores only its hash, and gives the same token again', async () => {
    const taskId = await openReviewTask();
    const expiresAt = new Date(Date.now() + HOUR);
    const issue = { taskId, personEmail: STEWARD, purpose: 'review' as const, expiresAt, issueKey: 'mail-1' };
    const token = await issueActionToken(db, secret, issue);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await issueActionToken(db, secret, issue)).toBe(token);
    const rows = await db('action_tokens').where({ issue_key: 'mail-1' });
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toContain(token);
    expect(rows[0].person_email).toBe('steward@example.com');
    await expect(issueActionToken(db, secret, { ...issue, taskId: await openReviewTask() })).rejects.toThrow(/another task/);
  });

  it('shows both records, the differences and the match score on GET, and changes nothing', async () => {
    const taskId = await openReviewTask();
    const token = await tokenFor(taskId);
    const first = await open(token);
    const second = await open(token);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-[^']+'; form-action 'self'/);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.headers.get('x-frame-options')).toBe('DENY');
    expect(first.headers.get('referrer-policy')).toBe('same-origin');
    const html = first.html;
    expect(html).toContain(`at site ${SITE}`);
    expect(html).toContain('O&lt;b&gt;Brien&lt;/b&gt;');
    expect(html).not.toContain('<b>Brien');
    expect(html).toContain('O&#x27;Brien');
    expect(html).toMatch(/<tr class="differs"><th scope="row">City<\/th><td>Lyon<\/td><td>Paris<\/td>/);
    expect(html).toMatch(/<tr><th scope="row">Given name<\/th><td>Marie<\/td><td>Marie<\/td>/);
    expect(html).toContain('<th scope="row">Address line 2</th><td>—</td><td>—</td>');
    expect(html).toContain('Match probability 81.3 %');
    expect(html).toMatch(/<th scope="row">Family name<\/th><td>jaroWinkler<\/td><td>similar<\/td><td>2.25<\/td>/);
    for (const decision of ['merge', 'keepDistinct', 'defer']) expect(html).toContain(`value="${decision}"`);
    expect(html).not.toMatch(/<script|<link|src=/);

    expect(await inspectActionToken(db, token)).toMatchObject({ state: 'valid', taskId });
    expect((await findTask(db, taskId))?.status).toBe('open');
  });

  it('decides on POST from the page, once: a replay gets the "already used" page', async () => {
    const taskId = await openReviewTask();
    const token = await tokenFor(taskId);

    const decided = await decideFromPage(token, 'merge');
    expect(decided.status).toBe(200);
    expect(decided.html).toContain('<h1>Merged</h1>');
    expect(decisions).toEqual([expect.objectContaining({ taskId, decision: 'merge', personEmail: 'steward@example.com', comment: 'checked by phone' })]);
    expect(await findTask(db, taskId)).toMatchObject({ status: 'decided', decision: 'merge', decidedBy: 'steward@example.com' });

    const replay = await post(token, { csrf: 'anything', decision: 'keepDistinct' });
    expect(replay.status).toBe(410);
    expect(replay.html).toMatch(/This link was already used on \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect((await open(token)).status).toBe(410);
    expect(decisions).toHaveLength(1);
  });

  it('lets exactly one of two simultaneous posts decide', async () => {
    const token = await tokenFor(await openReviewTask());
    const csrf = csrfOf((await open(token)).html);
    const results = await Promise.all([post(token, { csrf, decision: 'merge' }), post(token, { csrf, decision: 'keepDistinct' })]);
    const [winner, loser] = results.map((result) => result.status).sort();
    expect(winner).toBe(200);
    // the loser finds the link used (410), or, when the winner's decision landed first, the task decided (409)
    expect([409, 410]).toContain(loser);
    expect(decisions).toHaveLength(1);
  });

  it('refuses an expired link with the date it expired, and changes nothing', async () => {
    const taskId = await openReviewTask();
    const token = await tokenFor(taskId, new Date(Date.now() - HOUR));
    const page = await open(token);
    expect(page.status).toBe(410);
    expect(page.html).toMatch(/This link expired on \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect((await post(token, { csrf: 'x', decision: 'merge' })).status).toBe(410);
    expect(decisions).toHaveLength(0);
    expect((await findTask(db, taskId))?.status).toBe('open');
  });

  it('refuses a tampered or made-up link as not valid', async () => {
    const token = await tokenFor(await openReviewTask());
    const tampered = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    for (const link of [tampered, 'abc', `${token}x`]) {
      const page = await open(link);
      expect(page.status).toBe(404);
      expect(page.html).toContain('This link is not valid (mistyped or tampered)');
    }
    expect((await post(tampered, { csrf: 'x', decision: 'merge' })).status).toBe(404);
  });

  it('refuses a post without the form value of this link, and keeps the link usable', async () => {
    const taskId = await openReviewTask();
    const token = await tokenFor(taskId);
    const otherLinksCsrf = csrfOf((await open(await tokenFor(await openReviewTask()))).html);
    const forms: Array<Record<string, string>> = [{ decision: 'merge' }, { decision: 'merge', csrf: otherLinksCsrf }];
    for (const form of forms) {
      const refused = await post(token, form);
      expect(refused.status).toBe(403);
      expect(refused.html).toContain('Request refused');
    }
    expect(decisions).toHaveLength(0);
    expect(await inspectActionToken(db, token)).toMatchObject({ state: 'valid' });
    expect((await findTask(db, taskId))?.status).toBe('open');
  });

  it('refuses a post from another site by its Origin or Referer', async () => {
    const token = await tokenFor(await openReviewTask());
    const foreign: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { origin: 'null' }, { referer: 'https://evil.example/page' }];
    for (const headers of foreign) {
      expect((await decideFromPage(token, 'merge', headers)).status).toBe(403);
    }
    expect(decisions).toHaveLength(0);
    expect(await inspectActionToken(db, token)).toMatchObject({ state: 'valid' });
  });

  it('refuses a post with no decision or too long a comment', async () => {
    const token = await tokenFor(await openReviewTask());
    const csrf = csrfOf((await open(token)).html);
    expect((await post(token, { csrf, decision: 'approve' })).status).toBe(400);
    expect((await post(token, { csrf, decision: 'defer', comment: 'x'.repeat(2001) })).status).toBe(400);
    expect(await inspectActionToken(db, token)).toMatchObject({ state: 'valid' });
  });

  it('shows who decided a task and when, without buttons, and keeps the link unused', async () => {
    const taskId = await openReviewTask();
    const token = await tokenFor(taskId);
    const csrf = csrfOf((await open(token)).html);
    await db('tasks')
      .where({ id: taskId })
      .update({ status: 'decided', decision: 'keepDistinct', decided_by: 'alice@example.com', decided_via: 'api', decided_at: new Date('2026-03-02T09:15:00Z') });

    const page = await open(token);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Kept distinct by alice@example.com on 2026-03-02 09:15 UTC (via api)');
    expect(page.html).not.toContain('<form');

    const late = await post(token, { csrf, decision: 'merge' });
    expect(late.status).toBe(409);
    expect(late.html).toContain('Kept distinct by alice@example.com on 2026-03-02 09:15 UTC');
    expect(decisions).toHaveLength(0);
    expect(await inspectActionToken(db, token)).toMatchObject({ state: 'valid' });
  });
});

describe('the action token secret', () => {
  it('is made once in DATA_DIR with mode 0600 and read back the same', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-'));
    const made = loadActionTokenSecret(path.join(dataDir, 'data'), {});
    expect(made.length).toBeGreaterThanOrEqual(32);
    expect(loadActionTokenSecret(path.join(dataDir, 'data'), {})).toEqual(made);
    expect(fs.statSync(path.join(dataDir, 'data', '.action-token-secret')).mode & 0o777).toBe(0o600);
    fs.rmSync(dataDir, { recursive: true });
  });

  it('comes from ACTION_TOKEN_SECRET when set, which must be long enough', () => {
    const configured = 'x'.repeat(40);
    expect(loadActionTokenSecret('/nonexistent', { ACTION_TOKEN_SECRET: configured }).toString()).toBe(configured);
    expect(() => loadActionTokenSecret('/nonexistent', { ACTION_TOKEN_SECRET: 'short' })).toThrow(ConfigError);
  });
});
