import type { Knex } from 'knex';
import { ERASED_TEXT, holdRefusal, personalValuePattern, personalValues, type ErasureDecisionRequest, type ErasureProof, type ErasureStatus } from '../core/erasure';
import { erasureOfficerMailContext, erasureOutcomeMailContext, outcomeMailSite, renderErasureOfficerMail, renderErasureOutcomeMail, type ErasureOfficerMailKind } from '../core/erasure-mail';
import type { CustomerRecord } from '../core/customer';
import { hashedId } from '../core/retention/hash';
import { lengthOf } from '../core/retention/periods';
import type { SiteIdentity, SiteRulesSource, VersionedSiteRules } from '../core/rules/types';
import { workflowIds } from '../core/workflow-ids';
import type { Db } from '../runtime/db';
import type { Mailer } from '../runtime/mailer';
import { appendChange } from '../store/change-log';
import { findErasureRequest, updateErasureRequest, type ErasureRequest } from '../store/erasure-requests';
import { decisionNote } from '../store/decision-notes';
import { activeHoldsOn } from '../store/legal-holds';
import { cleanFreeText, redactChangeLog, removeSourceRecords } from '../store/personal-data';
import { rememberRuleVersion } from '../store/rule-versions';
import { sendOnce } from '../store/sent-emails';
import { issueActionToken } from '../store/action-tokens';
import { openTask } from '../store/tasks';
import { refreshGoldenRecords } from './golden-refresh';

export interface ErasureDeps {
  db: Db;
  rules: SiteRulesSource;
  mailer: Mailer;
  publicUrl: string;
  /** signs email-link tokens (runtime/secrets) */
  actionTokenSecret: Buffer;
}

/** When the workflow reminds and escalates (epoch milliseconds, elapsed time from filing). */
export interface ErasurePlan {
  status: ErasureStatus;
  remindAt: number;
  escalateAt: number;
  deadlineAt: number;
}

export function createErasureActivities({ db, rules, mailer, publicUrl, actionTokenSecret }: ErasureDeps) {
  const requestOf = async (requestId: string): Promise<ErasureRequest> => {
    const request = await findErasureRequest(db, requestId);
    if (!request) throw new Error(`no erasure request ${requestId}`);
    return request;
  };
  const rulesOf = (siteId: string): VersionedSiteRules => {
    const versioned = rules.forSite(siteId);
    if (!versioned) throw new Error(`no rules for site ${siteId}`);
    return versioned;
  };
  /** the earliest of a step over every site concerned: the strictest site sets the pace */
  const earliest = (request: ErasureRequest, step: 'remindAfter' | 'escalateAfter') =>
    Math.min(...request.siteIds.map((siteId) => request.createdAt.getTime() + lengthOf(rulesOf(siteId).rules.retention.erasure[step])));

  return {
    async planErasure({ requestId }: { requestId: string }): Promise<ErasurePlan> {
      const request = await requestOf(requestId);
      return {
        status: request.status,
        remindAt: earliest(request, 'remindAfter'),
        escalateAt: earliest(request, 'escalateAfter'),
        deadlineAt: request.deadlineAt.getTime(),
      };
    },

    /** One approval task per site concerned, due at the legal deadline. */
    async openErasureApprovals({ requestId }: { requestId: string }): Promise<string[]> {
      const request = await requestOf(requestId);
      const taskIds: string[] = [];
      for (const siteId of request.siteIds) {
        const { version } = rulesOf(siteId);
        await rememberRuleVersion(db, siteId, rulesOf(siteId));
        const { task } = await openTask(db, {
          siteId,
          type: 'erasure_approval',
          idempotencyKey: `${workflowIds.erasure(requestId)}:approval:${siteId}`,
          workflowId: workflowIds.erasure(requestId),
          details: { erasureRequestId: requestId },
          rulesVersion: version,
        });
        await db('tasks').where({ id: task.id }).update({ due_at: request.deadlineAt });
        taskIds.push(task.id);
      }
      return taskIds;
    },

    /** Mails the compliance officers of every site concerned (escalation: the back-ups too), once
     * per person and step. */
    async notifyErasureOfficers({ requestId, kind }: { requestId: string; kind: ErasureOfficerMailKind }): Promise<{ sent: number }> {
      const request = await requestOf(requestId);
      // each recipient's link is bound to the approval task of the first site they answer for,
      // and that site's templates write their mail
      const taskOfRecipient = new Map<string, { taskId: string; siteId: string }>();
      const tasks = await db('tasks').where({ workflow_id: workflowIds.erasure(requestId), type: 'erasure_approval' }).select('id', 'site_id');
      for (const siteId of request.siteIds) {
        const { stewardship } = rulesOf(siteId).rules;
        const taskId = tasks.find((task: { site_id: string }) => task.site_id === siteId)?.id;
        if (!taskId) throw new Error(`erasure request ${requestId} has no approval task at ${siteId}`);
        const recipients = [...stewardship.complianceOfficers, ...(kind === 'escalation' ? stewardship.backups : [])];
        for (const email of recipients) if (!taskOfRecipient.has(email.toLowerCase())) taskOfRecipient.set(email.toLowerCase(), { taskId, siteId });
      }
      let sent = 0;
      for (const [recipient, { taskId, siteId }] of taskOfRecipient) {
        const issueKey = `${workflowIds.erasure(requestId)}:${kind}:${recipient}`;
        const token = await issueActionToken(db, actionTokenSecret, { taskId, personEmail: recipient, purpose: 'erasure', expiresAt: request.deadlineAt, issueKey });
        const { site, emailTemplates } = rulesOf(siteId).rules;
        const mail = renderErasureOfficerMail(
          kind,
          emailTemplates,
          erasureOfficerMailContext({ site: mailSite(site), request: mailRequest(request), link: `${publicUrl}/erasure/${token}`, publicUrl, recipient }),
        );
        const result = await sendOnce(db, mailer, { to: [recipient], ...mail, idempotencyKey: issueKey });
        if (result.sent) sent += 1;
      }
      return { sent };
    },

    /** Records the decision on the request and closes its approval tasks, once. */
    async recordErasureDecision({ requestId, request }: { requestId: string; request: ErasureDecisionRequest }): Promise<void> {
      const status = request.decision === 'approve' ? 'approved' : 'rejected';
      const reason = await decisionNote(db, request.reasonId);
      await db.transaction(async (trx) => {
        const changed = await updateErasureRequest(trx, requestId, ['pending_approval'], {
          status,
          decidedBy: request.decidedBy.email,
          decisionReason: reason,
          decided: true,
          finished: status === 'rejected',
        });
        if (!changed) return;
        const tasks = await trx('tasks').where({ workflow_id: workflowIds.erasure(requestId), type: 'erasure_approval', status: 'open' });
        for (const task of tasks) {
          await trx('tasks').where({ id: task.id }).update({
            status: 'decided',
            decision: request.decision,
            decided_by: request.decidedBy.email,
            decided_via: 'api',
            decided_at: trx.fn.now(),
            updated_at: trx.fn.now(),
          });
          await appendChange(trx, {
            entityType: 'task',
            entityId: task.id,
            siteId: task.site_id,
            action: 'decided',
            before: { status: 'open' },
            after: { status: 'decided', decision: request.decision },
            actor: request.decidedBy.userId,
            rulesVersion: task.rules_version,
            idempotencyKey: `${workflowIds.erasure(requestId)}:${task.id}:decided`,
          });
        }
      });
    },

    /** Erases the person everywhere, in one transaction, unless a legal hold now protects them;
     * keeps a proof without personal data. A retry after it committed finds it done. */
    async eraseRequest({ requestId }: { requestId: string }): Promise<{ status: ErasureStatus }> {
      const actor = workflowIds.erasure(requestId);
      return db.transaction(async (trx) => {
        const request = await findErasureRequest(trx, requestId, { forUpdate: true });
        if (!request) throw new Error(`no erasure request ${requestId}`);
        if (request.status !== 'approved') return { status: request.status };
        const holds = await activeHoldsOn(trx, request.customerIds);
        if (holds.length > 0) {
          await updateErasureRequest(trx, requestId, ['approved'], { status: 'refused', refusalReason: holdRefusal(holds), finished: true });
          return { status: 'refused' as const };
        }

        const customerIds = request.customerIds;
        const current: string[] = customerIds.length > 0 ? await trx('source_records').whereIn('customer_id', customerIds).pluck('id') : [];
        const sourceRecordIds = [...new Set([...request.sourceRecordIds, ...current])];
        const sources: Array<{ raw: CustomerRecord; record: CustomerRecord | null }> = await trx('source_records').whereIn('id', sourceRecordIds).select('raw', 'record');
        const goldens: Array<{ record: CustomerRecord }> = await trx('customers').whereIn('id', customerIds).select('record');
        const values = personalValues([...sources.flatMap((source) => [source.raw, source.record ?? {}]), ...goldens.map((golden) => golden.record)]);

        const counts: Record<string, number> = {
          source_records: sourceRecordIds.length,
          match_evaluations: await countWhere(trx, 'match_evaluations', (q) =>
            q.whereIn('source_record_id', sourceRecordIds).orWhereIn('matched_source_record_id', sourceRecordIds).orWhereIn('customer_id', customerIds),
          ),
          distinct_pairs: await countWhere(trx, 'distinct_pairs', (q) => q.whereIn('source_record_id', sourceRecordIds).orWhereIn('other_source_record_id', sourceRecordIds)),
        };
        let redacted = await redactChangeLog(trx, [...sourceRecordIds, ...customerIds], actor);
        const fed = await removeSourceRecords(trx, sourceRecordIds, 'delete', actor);
        const { removed } = await refreshGoldenRecords(trx, rules, [...new Set([...fed, ...customerIds])], actor);
        counts.customers = removed;
        const patterns = { freeText: personalValuePattern(values.freeText), identifiers: personalValuePattern(values.identifiers) };
        const cleaned = await cleanFreeText(trx, patterns, ERASED_TEXT, actor);
        redacted += cleaned.change_log ?? 0;
        Object.assign(counts, cleaned, { change_log: redacted });

        const proof: ErasureProof = {
          erasedAt: new Date().toISOString(),
          approvedBy: request.decidedBy ?? 'unknown',
          rulesVersions: Object.fromEntries(request.siteIds.map((siteId) => [siteId, rulesOf(siteId).version])),
          hashedCustomerIds: customerIds.map(hashedId),
          hashedSourceRecordIds: sourceRecordIds.map(hashedId),
          counts,
        };
        await updateErasureRequest(trx, requestId, ['approved'], { status: 'completed', proof, finished: true });
        return { status: 'completed' as const };
      });
    },

    /** Tells the requester how the request ended, once. */
    async notifyRequester({ requestId }: { requestId: string }): Promise<void> {
      const request = await requestOf(requestId);
      const why = request.status === 'refused' ? request.refusalReason : request.status === 'rejected' ? request.decisionReason : null;
      const { site, emailTemplates } = rulesOf(outcomeMailSite(request.siteIds)).rules;
      const mail = renderErasureOutcomeMail(emailTemplates, erasureOutcomeMailContext({ site: mailSite(site), request: mailRequest(request), status: request.status, why }));
      await sendOnce(db, mailer, { to: [request.requester], ...mail, idempotencyKey: `${workflowIds.erasure(requestId)}:outcome:${request.status}` });
    },
  };
}

/** What erasure mails may show of a site and a request: ids, names and the deadline. */
const mailSite = ({ id, name, timeZone }: SiteIdentity) => ({ id, name, timeZone });
const mailRequest = ({ id, siteIds, deadlineAt }: ErasureRequest) => ({ id, siteIds, deadlineAt });

async function countWhere(trx: Knex.Transaction, table: string, where: (q: Knex.QueryBuilder) => void): Promise<number> {
  const [{ n }] = await trx(table).where(where).count('* as n');
  return Number(n);
}

