import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { addWorkingTime, type WorkingCalendar } from '../../core/calendar';
import type { DecisionRequest, DecisionResult } from '../../core/review';
import type { GlobalRuleFile, SiteRuleFile } from '../../core/rules/types';
import { workflowIds } from '../../core/workflow-ids';
import { createMailer, type Mailer } from '../../runtime/mailer';
import { freePort } from '../../runtime/ports';
import { PublishedRules } from '../../runtime/published-rules';
import { startOutboxSmtpServer, type OutboxSmtpServer } from '../../runtime/smtp-outbox';
import { createWorker } from '../../runtime/worker';
import { submitRecord } from '../../services/onboarding';
import { listOutboxMessages } from '../../store/outbox';
import type { ReviewState } from '../../workflows/review';
import { waitForMail } from '../support/outbox';
import { marie, marieNearDuplicate } from '../support/people';
import { quietWorkerRuntime, RULES_DIR } from '../support/platform';
import { createTestDatabase, testServers, type TestDatabase } from '../support/servers';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnvironment } from '../support/time-skipping';

const PARIS = 'fr-paris-hq';
const TIME_ZONE = 'Europe/Paris';
const STEWARD = 'steward@paris.example';
const BACKUPS = ['backup.steward@paris.example', 'data-office@group.example'];
const REQUEST = /Possible duplicate customer to review/;
const REMINDER = /^Reminder:/;
const ESCALATION = /^Escalated:/;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** ISO weekday (Monday 1 ... Sunday 7) of an instant in the time zone. */
function isoWeekday(time: number, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short' }).format(time);
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(name) + 1;
}

/**
 * A copy of rules/ in which Paris works every day but the two after today (in Paris, by the test
 * server's clock): a weekend right after the review opens. Working hours all day long, no
 * holidays; reminder after 1 working day, escalation after 2, expiry after 3 (keep distinct).
 */
function rulesWithWeekendAfter(now: number): { directory: string; calendar: WorkingCalendar; weekend: number[] } {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'review-sla-rules-'));
  fs.cpSync(RULES_DIR, directory, { recursive: true });
  const today = isoWeekday(now, TIME_ZONE);
  const weekend = [(today % 7) + 1, ((today + 1) % 7) + 1];
  const calendar = {
    workingDays: [1, 2, 3, 4, 5, 6, 7].filter((day) => !weekend.includes(day)),
    workingHours: { start: '00:00', end: '23:59' },
    holidays: [] as string[],
  };

  const edit = <T>(file: string, change: (json: T) => void) => {
    const full = path.join(directory, file);
    const json = JSON.parse(fs.readFileSync(full, 'utf8')) as T;
    change(json);
    fs.writeFileSync(full, JSON.stringify(json, null, 2));
  };
  // global.json locks /sla/reviewExpireAfter: the expiry is set there, for every site
  edit<GlobalRuleFile>('global.json', (global) => {
    expect(global.locks).toContain('/sla/reviewExpireAfter');
    global.sla.reviewExpireAfter = 'P3D';
  });
  edit<SiteRuleFile>(`sites/${PARIS}.json`, (site) => {
    site.calendar = calendar;
    site.sla = { reviewRemindAfter: 'P1D', reviewEscalateAfter: 'P2D' };
    site.review = { ...site.review, expiryOutcome: 'keepDistinct' };
  });
  // Munich escalates after P5D, which the shorter expiry would now refuse; it plays no part here
  edit<SiteRuleFile>('sites/de-munich-plant.json', (site) => {
    if (site.sla) delete site.sla.reviewEscalateAfter;
  });
  return { directory, calendar: { timeZone: TIME_ZONE, ...calendar }, weekend };
}

interface Fixture {
  database: TestDatabase;
  calendar: WorkingCalendar;
  weekend: number[];
  taskQueue: string;
  stop(): Promise<void>;
}

describe('review SLA on a working calendar, with time skipping', () => {
  let env: TestWorkflowEnvironment;
  // A plain client: the environment's own one skips time whenever a result is awaited, and the
  // clock must move only where the test says so.
  let client: Client;

  beforeAll(async () => {
    quietWorkerRuntime();
    env = await createTimeSkippingEnvironment();
    client = new Client({ connection: env.connection, namespace: env.namespace });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  /** Its own database, rules, SMTP outbox and worker on the time-skipping server. */
  async function startFixture(): Promise<Fixture> {
    const { directory, calendar, weekend } = rulesWithWeekendAfter(await env.currentTimeMs());
    const database = await createTestDatabase();
    const rules = await PublishedRules.load(database.db, directory);
    const smtp: OutboxSmtpServer = await startOutboxSmtpServer({ port: await freePort(), db: database.db });
    const mailer: Mailer = createMailer(smtp.url, 'stewardship@test.example');
    const taskQueue = `review-sla-${randomBytes(4).toString('hex')}`;
    const worker: Worker = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: { db: database.db, rules, mailer, publicUrl: 'http://127.0.0.1:1', actionTokenSecret: randomBytes(32), client: client, taskQueue },
      workflowBundle: { codePath: testServers().workflowBundlePath },
    });
    const running = worker.run();
    return {
      database,
      calendar,
      weekend,
      taskQueue,
      async stop() {
        worker.shutdown();
        await running;
        mailer.close();
        await smtp.stop();
        await database.drop();
        fs.rmSync(directory, { recursive: true, force: true });
      },
    };
  }

  /** Onboards Marie, then her near duplicate, which opens a review: its task and source records. */
  async function seedReview(fixture: Fixture): Promise<{ taskId: string; marieId: string; marieSourceId: string; duplicateSourceId: string }> {
    const deps = { db: fixture.database.db, client: client, taskQueue: fixture.taskQueue };
    const golden = await submitRecord(deps, { siteId: PARIS, sourceSystem: 'crm', sourceId: 'C-1', record: marie }, 'test:integration', 20_000);
    expect(golden.status.outcome).toMatchObject({ outcome: 'created' });
    const review = await submitRecord(deps, { siteId: PARIS, sourceSystem: 'erp', sourceId: 'E-5', record: marieNearDuplicate }, 'test:integration', 20_000);
    expect(review.status.outcome).toMatchObject({ outcome: 'review' });
    const outcome = review.status.outcome as { taskId: string; candidateCustomerId: string };
    expect(outcome.candidateCustomerId).toBe((golden.status.outcome as { customerId: string }).customerId);
    return {
      taskId: outcome.taskId,
      marieId: outcome.candidateCustomerId,
      marieSourceId: golden.status.sourceRecordId,
      duplicateSourceId: review.status.sourceRecordId,
    };
  }

  const mailsTo = async (fixture: Fixture, to: string, subject: RegExp) =>
    (await listOutboxMessages(fixture.database.db, { limit: 200, offset: 0, to })).filter((message) => subject.test(message.subject ?? ''));

  /** When the review workflow opened: workflow time (Date.now()) of its first workflow task. */
  async function openedAt(taskId: string): Promise<number> {
    const history = await client.workflow.getHandle(workflowIds.review(taskId)).fetchHistory();
    const started = history.events?.find((event) => event.workflowTaskStartedEventAttributes);
    const time = started?.eventTime;
    return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1_000_000);
  }

  async function timersFired(taskId: string): Promise<number> {
    const history = await client.workflow.getHandle(workflowIds.review(taskId)).fetchHistory();
    return (history.events ?? []).filter((event) => event.timerFiredEventAttributes).length;
  }

  /** Moves the test server's clock to `target` (epoch ms), firing every timer due before it. */
  async function skipTo(target: number): Promise<void> {
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  }

  /** Real time for the worker to act on what a skip fired (activities run in real time). */
  const settle = (ms = 1500) => new Promise((resolve) => setTimeout(resolve, ms));

  it('reminds after the first working day (not during the weekend), escalates after the second, expires after the third', async () => {
    const fixture = await startFixture();
    try {
      const { db } = fixture.database;
      const { taskId, marieId, marieSourceId, duplicateSourceId } = await seedReview(fixture);

      // the request goes to the Paris stewards at once
      const [request] = await waitForMail(db, STEWARD, REQUEST);
      expect(request.subject).toContain('Paris head office');

      // deadlines on the calendar: the weekend (two days after today) does not count
      const opened = await openedAt(taskId);
      const remindAt = addWorkingTime(new Date(opened), 'P1D', fixture.calendar).getTime();
      const escalateAt = addWorkingTime(new Date(opened), 'P2D', fixture.calendar).getTime();
      const expireAt = addWorkingTime(new Date(opened), 'P3D', fixture.calendar).getTime();
      expect(fixture.weekend).toContain(isoWeekday(opened + DAY, TIME_ZONE));
      // a day's count skips the weekend: the first working day after today is three days on
      expect(remindAt - opened).toBeGreaterThanOrEqual(3 * DAY - HOUR);
      const task = await db('tasks').where({ id: taskId }).first();
      expect(task).toMatchObject({ status: 'open', type: 'duplicate_review', site_id: PARIS });
      expect(new Date(task.due_at).getTime()).toBe(escalateAt);

      // a day and a half later, in the weekend: no reminder (a plain P1D would have sent one)
      await skipTo(opened + 1.5 * DAY);
      await settle();
      expect(await timersFired(taskId)).toBe(0);
      expect(await mailsTo(fixture, STEWARD, REMINDER)).toHaveLength(0);

      // just before the first working day has passed: still none
      await skipTo(remindAt - HOUR);
      await settle(500);
      expect(await timersFired(taskId)).toBe(0);
      expect(await mailsTo(fixture, STEWARD, REMINDER)).toHaveLength(0);

      // once it has: the reminder, to the stewards, and nobody else yet
      await skipTo(remindAt + HOUR);
      expect(await waitForMail(db, STEWARD, REMINDER)).toHaveLength(1);
      for (const backup of BACKUPS) expect(await mailsTo(fixture, backup, /./)).toHaveLength(0);

      // after the second working day: escalation to each back-up steward, once
      await skipTo(escalateAt + HOUR);
      for (const backup of BACKUPS) expect(await waitForMail(db, backup, ESCALATION)).toHaveLength(1);
      expect(await mailsTo(fixture, STEWARD, ESCALATION)).toHaveLength(0);
      expect((await db('tasks').where({ id: taskId }).first()).status).toBe('open');

      // after the third: the review expires with the site's default outcome, keep distinct
      await skipTo(expireAt + HOUR);
      const handle = client.workflow.getHandle(workflowIds.review(taskId));
      const state = (await handle.result()) as ReviewState;
      expect(state).toMatchObject({ status: 'expired', decision: 'keepDistinct', decidedBy: 'sla-expiry' });
      expect((await handle.describe()).status.name).toBe('COMPLETED');

      expect(await db('tasks').where({ id: taskId }).first()).toMatchObject({
        status: 'expired',
        decision: 'keepDistinct',
        decided_by: 'sla-expiry',
        decided_via: 'sla',
      });
      const duplicate = await db('source_records').where({ id: duplicateSourceId }).first();
      expect(duplicate.customer_id).toBeTruthy();
      expect(duplicate.customer_id).not.toBe(marieId);
      expect(await db('customers').where({ id: duplicate.customer_id }).first()).toBeTruthy();
      const pairs = await db('distinct_pairs').select('source_record_id', 'other_source_record_id', 'task_id');
      expect(pairs).toEqual(
        expect.arrayContaining([
          { source_record_id: duplicateSourceId, other_source_record_id: marieSourceId, task_id: taskId },
          { source_record_id: marieSourceId, other_source_record_id: duplicateSourceId, task_id: taskId },
        ]),
      );
      // one mail per person and step, no more
      expect(await mailsTo(fixture, STEWARD, /./)).toHaveLength(2);
      for (const backup of BACKUPS) expect(await mailsTo(fixture, backup, /./)).toHaveLength(1);
    } finally {
      await fixture.stop();
    }
  });

  it('stops the timers when a steward decides before the reminder: no reminder ever', async () => {
    const fixture = await startFixture();
    try {
      const { db } = fixture.database;
      const { taskId, marieId, duplicateSourceId } = await seedReview(fixture);
      await waitForMail(db, STEWARD, REQUEST);
      const opened = await openedAt(taskId);

      // half a day on, before any deadline, a steward keeps the two apart (as services/reviews does)
      await skipTo(opened + 12 * HOUR);
      const handle = client.workflow.getHandle(workflowIds.review(taskId));
      const request: DecisionRequest = { decision: 'keepDistinct', decidedBy: { userId: 'steward-1', email: STEWARD }, via: 'api' };
      const result = await handle.executeUpdate<DecisionResult, [DecisionRequest]>('decide', { args: [request] });
      expect(result).toMatchObject({ taskId, state: 'decided', decision: 'keepDistinct', decidedBy: STEWARD });
      expect(await handle.result()).toMatchObject({ status: 'decided', decision: 'keepDistinct', decidedBy: STEWARD });

      // well past reminder, escalation and expiry: nothing more was sent
      await skipTo(opened + 10 * DAY);
      await settle();
      expect(await timersFired(taskId)).toBe(0);
      expect(await mailsTo(fixture, STEWARD, REMINDER)).toHaveLength(0);
      expect(await mailsTo(fixture, STEWARD, /./)).toHaveLength(1);
      for (const backup of BACKUPS) expect(await mailsTo(fixture, backup, /./)).toHaveLength(0);
      expect(await db('tasks').where({ id: taskId }).first()).toMatchObject({ status: 'decided', decision: 'keepDistinct', decided_by: STEWARD, decided_via: 'api' });
      const duplicate = await db('source_records').where({ id: duplicateSourceId }).first();
      expect(duplicate.customer_id).toBeTruthy();
      expect(duplicate.customer_id).not.toBe(marieId);
    } finally {
      await fixture.stop();
    }
  });
});
