import { auditReportMailContext, renderAuditReportMail } from '../core/audits/report-mail';
import { lengthOf } from '../core/retention/periods';
import type { SiteRulesSource } from '../core/rules/types';
import type { Db } from '../runtime/db';
import type { Mailer } from '../runtime/mailer';
import { issueReportLinkKey } from '../store/audit-report-links';
import { getAuditRun } from '../store/audit-runs';
import { sendOnce } from '../store/sent-emails';

export interface AuditReportDeps {
  db: Db;
  rules: SiteRulesSource;
  mailer: Mailer;
  /** base of the links in mails */
  publicUrl: string;
  /** derives the report link keys (runtime/secrets), like the review links */
  actionTokenSecret: Buffer;
}

export function createAuditReportActivities({ db, rules, mailer, publicUrl, actionTokenSecret }: AuditReportDeps) {
  return {
    /** Mails the run's report to each compliance officer of its site, with a link of their own.
     * One mail per run and person, even when the activity is retried. */
    async sendAuditReport({ runId }: { runId: string }): Promise<{ sent: number; recipients: number }> {
      const run = await getAuditRun(db, runId);
      if (!run) throw new Error(`no audit run ${runId}`);
      const versioned = rules.forSite(run.siteId);
      if (!versioned) throw new Error(`no rules for site ${run.siteId}`);
      const { site, stewardship, emailTemplates, audits } = versioned.rules;
      // counted from the run's end, so a retry issues the same link with the same lifetime
      const linkValidUntil = new Date((run.finishedAt ?? run.startedAt).getTime() + lengthOf(audits.report.linkValidFor));
      let sent = 0;
      for (const recipient of stewardship.complianceOfficers) {
        const issueKey = `audit-report:${runId}:${recipient.toLowerCase()}`;
        const key = await issueReportLinkKey(db, actionTokenSecret, { runId, siteId: run.siteId, personEmail: recipient, expiresAt: linkValidUntil, issueKey });
        const mail = renderAuditReportMail(
          emailTemplates,
          auditReportMailContext({
            site: { id: site.id, name: site.name, timeZone: site.timeZone },
            summary: run,
            link: `${publicUrl}/audits/${encodeURIComponent(runId)}?key=${key}`,
            linkValidUntil,
            recipient,
          }),
        );
        const result = await sendOnce(db, mailer, { to: [recipient], ...mail, idempotencyKey: issueKey });
        if (result.sent) sent += 1;
      }
      return { sent, recipients: stewardship.complianceOfficers.length };
    },
  };
}
