import { addWorkingTime } from '../core/calendar';
import { CUSTOMER_FIELDS, fieldLabel, type CustomerRecord } from '../core/customer';
import type { Decider, DecisionChannel, DecisionRequest, ExpiryOutcome, ReviewDecision } from '../core/review';
import { renderReviewMail, type ReviewMailKind } from '../core/review-mail';
import type { SiteRulesSource } from '../core/rules/types';
import { workflowIds } from '../core/workflow-ids';
import type { Db } from '../runtime/db';
import type { Mailer } from '../runtime/mailer';
import { issueActionToken } from '../store/action-tokens';
import { appendChange } from '../store/change-log';
import { findGoldenRecord } from '../store/customers';
import { rememberDistinctPairs } from '../store/distinct-pairs';
import { rememberRuleVersion } from '../store/rule-versions';
import { sendOnce } from '../store/sent-emails';
import { decisionNote } from '../store/decision-notes';
import { getSourceRecord, sourceRecordsOfCustomer } from '../store/source-records';
import { findTask, type Task, type TaskStatus } from '../store/tasks';
import { giveOwnGoldenRecord, mergeIntoGoldenRecord } from './golden-records';

export interface ReviewDeps {
  db: Db;
  rules: SiteRulesSource;
  mailer: Mailer;
  /** base of the links in mails */
  publicUrl: string;
  /** signs email-link tokens (runtime/secrets) */
  actionTokenSecret: Buffer;
}

/** What the review workflow needs to know up front: the rules that bind it and its deadlines
 * (epoch milliseconds, on the site's working calendar). */
export interface ReviewPlan {
  siteId: string;
  status: TaskStatus;
  receivedBy: string | null;
  fourEyes: boolean;
  quorum: number;
  expiryOutcome: ExpiryOutcome;
  remindAt: number;
  escalateAt: number;
  expireAt: number;
}

export function createReviewActivities({ db, rules, mailer, publicUrl, actionTokenSecret }: ReviewDeps) {
  const taskOf = async (taskId: string): Promise<Task> => {
    const task = await findTask(db, taskId);
    if (!task || task.type !== 'duplicate_review' || !task.sourceRecordId || !task.customerId) {
      throw new Error(`no duplicate review task ${taskId}`);
    }
    return task;
  };
  const rulesOf = async (siteId: string) => {
    const versioned = rules.forSite(siteId);
    if (!versioned) throw new Error(`no rules for site ${siteId}`);
    await rememberRuleVersion(db, siteId, versioned);
    return versioned;
  };

  return {
    /** Deadlines count from when the review opened, on the site's calendar; the task's due date is
     * its escalation deadline. */
    async planReview({ taskId, openedAt }: { taskId: string; openedAt: number }): Promise<ReviewPlan> {
      const task = await taskOf(taskId);
      const { rules: siteRules } = await rulesOf(task.siteId);
      const sourceRecord = await getSourceRecord(db, task.sourceRecordId!);
      const calendar = { timeZone: siteRules.site.timeZone, ...siteRules.calendar };
      const deadline = (duration: string) => addWorkingTime(new Date(openedAt), duration, calendar).getTime();
      const plan: ReviewPlan = {
        siteId: task.siteId,
        status: task.status,
        receivedBy: sourceRecord.receivedBy,
        fourEyes: siteRules.review.fourEyes,
        quorum: siteRules.review.quorum,
        expiryOutcome: siteRules.review.expiryOutcome,
        remindAt: deadline(siteRules.sla.reviewRemindAfter),
        escalateAt: deadline(siteRules.sla.reviewEscalateAfter),
        expireAt: deadline(siteRules.sla.reviewExpireAfter),
      };
      await db('tasks').where({ id: taskId }).update({ due_at: new Date(plan.escalateAt), updated_at: db.fn.now() });
      return plan;
    },

    /** Mails the stewards (or, for an escalation, the back-ups) a link each. One mail per person
     * and step, even when the activity is retried. */
    async notifyReviewers({ taskId, kind }: { taskId: string; kind: ReviewMailKind }): Promise<{ sent: number }> {
      const task = await taskOf(taskId);
      const { rules: siteRules } = await rulesOf(task.siteId);
      const recipients = kind === 'reviewEscalation' ? siteRules.stewardship.backups : siteRules.stewardship.stewards;
      const differences = await differingFields(db, task);
      const expiresAt = addWorkingTime(new Date(), siteRules.review.linkValidFor, { timeZone: siteRules.site.timeZone, ...siteRules.calendar });
      let sent = 0;
      for (const recipient of recipients) {
        const issueKey = `${workflowIds.review(taskId)}:${kind}:${recipient}`;
        const token = await issueActionToken(db, actionTokenSecret, { taskId, personEmail: recipient, purpose: 'review', expiresAt, issueKey });
        const mail = renderReviewMail(kind, siteRules.emailTemplates, {
          site: { id: siteRules.site.id, name: siteRules.site.name, timeZone: siteRules.site.timeZone },
          task: { id: task.id, createdAt: task.createdAt.toISOString(), dueAt: task.dueAt?.toISOString() ?? '' },
          link: `${publicUrl}/review/${token}`,
          recipient,
          probability: Number(task.details.probability ?? 0),
          differences,
        });
        const result = await sendOnce(db, mailer, { to: [recipient], ...mail, idempotencyKey: issueKey });
        if (result.sent) sent += 1;
      }
      return { sent };
    },

    /** Keeps every decision (a quorum counts several; a deferral keeps its comment). */
    async recordDecision({ taskId, request, key }: { taskId: string; request: DecisionRequest; key: string }): Promise<void> {
      const task = await taskOf(taskId);
      const { version } = await rulesOf(task.siteId);
      const comment = request.commentId ? await decisionNote(db, request.commentId) : request.comment;
      await db.transaction(async (trx) => {
        const inserted = await trx('task_decisions')
          .insert({
            task_id: taskId,
            decision: request.decision,
            decided_by: request.decidedBy.userId,
            decided_by_email: request.decidedBy.email,
            via: request.via,
            comment: comment ?? null,
            rules_version: version,
            idempotency_key: key,
          })
          .onConflict('idempotency_key')
          .ignore()
          .returning('id');
        if (inserted.length > 0 && comment) {
          await trx('task_comments').insert({ task_id: taskId, author: request.decidedBy.email, comment });
        }
      });
    },

    /** Carries out the decision that closes the task: merge the record into the candidate golden
     * record, or keep the two apart for good (the record gets its own golden record). */
    async applyReviewDecision(input: {
      taskId: string;
      decision: Exclude<ReviewDecision, 'defer'>;
      decidedBy: Decider;
      via: DecisionChannel | 'sla';
    }): Promise<void> {
      const actor = workflowIds.review(input.taskId);
      await db.transaction(async (trx) => {
        const task = await trx('tasks').where({ id: input.taskId }).forUpdate().first();
        if (!task || task.status !== 'open') return;
        const { rules: siteRules, version } = await rulesOf(task.site_id);
        const sourceRecord = await getSourceRecord(trx, task.source_record_id, { forUpdate: true });
        if (input.decision === 'merge') {
          await mergeIntoGoldenRecord(trx, sourceRecord, task.customer_id, siteRules, version, actor);
        } else {
          const candidates = await sourceRecordsOfCustomer(trx, task.customer_id);
          await rememberDistinctPairs(trx, sourceRecord.id, candidates.map((candidate) => candidate.id), {
            decidedBy: input.decidedBy.userId,
            taskId: input.taskId,
          });
          if (!sourceRecord.customerId) await giveOwnGoldenRecord(trx, sourceRecord, siteRules, version, actor);
        }
        const status = input.via === 'sla' ? 'expired' : 'decided';
        await trx('tasks').where({ id: input.taskId }).update({
          status,
          decision: input.decision,
          decided_by: input.decidedBy.email,
          decided_via: input.via,
          decided_at: trx.fn.now(),
          updated_at: trx.fn.now(),
        });
        await appendChange(trx, {
          entityType: 'task',
          entityId: input.taskId,
          siteId: task.site_id,
          action: status,
          before: { status: 'open' },
          after: { status, decision: input.decision, via: input.via },
          actor: input.decidedBy.userId,
          rulesVersion: version,
          idempotencyKey: `${actor}:${status}`,
        });
      });
    },
  };
}

/** The fields on which the incoming record and the candidate golden record differ (names only). */
async function differingFields(db: Db, task: Task): Promise<Array<{ field: string; label: string }>> {
  const sourceRecord = await getSourceRecord(db, task.sourceRecordId!);
  const golden = await findGoldenRecord(db, task.customerId!);
  const incoming: CustomerRecord = sourceRecord.record ?? {};
  const candidate: CustomerRecord = golden?.record ?? {};
  return CUSTOMER_FIELDS.filter((field) => (incoming[field] ?? '') !== (candidate[field] ?? '')).map((field) => ({ field, label: fieldLabel(field) }));
}
