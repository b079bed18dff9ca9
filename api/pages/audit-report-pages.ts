import express, { type Request, type Router } from 'express';
import type { TrendRun } from '../../core/audits/trend-chart';
import type { AuditRunSummary } from '../../core/audits/types';
import type { SiteRulesSource } from '../../core/rules/types';
import type { Db } from '../../runtime/db';
import { inspectReportLinkKey } from '../../store/audit-report-links';
import { canActOnSite, findUserByToken, type Role } from '../../store/users';
import { renderAuditReportPage } from './audit-report-templates';
import { auditReportPageModel, type StoredFailingRows } from './audit-report-view';
import { sendHtml } from './html-response';
import { sendMessage } from './link-pages';
import type { MessagePageModel } from './review-templates';
import { formatTime } from './review-view';

/** Where the report's figures come from: the audit engine's store. */
export interface AuditReportSource {
  run(runId: string): Promise<AuditRunSummary | undefined>;
  /** the site's runs up to and including `run`, oldest first, at most `limit` */
  trendRuns(run: AuditRunSummary, limit: number): Promise<TrendRun[]>;
  failingRows(runId: string, checkId: string, page: { limit: number; offset: number }): Promise<StoredFailingRows>;
}

export interface AuditReportPageDeps {
  db: Db;
  rules: SiteRulesSource;
  source: AuditReportSource;
}

/** rows per page when the run's site has no rules any more (audits.report.rowsPerPage otherwise) */
const FALLBACK_ROWS_PER_PAGE = 50;
const RUNS_IN_CHART = 12;
const REPORT_ROLES: readonly Role[] = ['compliance', 'admin'];

type Access = { viewer: string; run: AuditRunSummary; key?: string } | { refusal: { status: number; page: MessagePageModel } };

const NOT_FOUND: MessagePageModel = { title: 'Report not found', message: 'There is no such audit report, or this link is not valid (mistyped or tampered). Open it again from your email, in full.' };

/** GET /audits/:runId: the report page. Its credential is the key of the mailed link, or an API
 * token of a compliance officer or admin of the run's site (Authorization: Bearer). */
export function auditReportPageRoutes(deps: AuditReportPageDeps): Router {
  const router = express.Router();

  router.get('/audits/:runId', async (req, res) => {
    const access = await accessOf(deps, req);
    if ('refusal' in access) return sendMessage(res, access.refusal.status, access.refusal.page);
    const { run } = access;
    const siteRules = deps.rules.forSite(run.siteId)?.rules;
    const page = pageQuery(req);
    const rowsPerPage = siteRules?.audits.report.rowsPerPage ?? FALLBACK_ROWS_PER_PAGE;
    const failingRows = new Map<string, StoredFailingRows>();
    for (const score of run.scorecard) {
      if (score.rowsFailed === 0) continue;
      const offset = score.checkId === page.check ? page.offset : 0;
      failingRows.set(score.checkId, await deps.source.failingRows(run.id, score.checkId, { limit: rowsPerPage, offset }));
    }
    const model = auditReportPageModel({
      site: { id: run.siteId, name: siteRules?.site.name ?? run.siteId, timeZone: siteRules?.site.timeZone ?? 'UTC' },
      summary: run,
      trendRuns: await deps.source.trendRuns(run, RUNS_IN_CHART),
      failingRows,
      viewer: access.viewer,
      rowsPerPage,
      pageLink: (checkId, offset) => {
        const query = new URLSearchParams({ ...(access.key ? { key: access.key } : {}), check: checkId, offset: String(offset) });
        return `/audits/${encodeURIComponent(run.id)}?${query}`;
      },
    });
    sendHtml(res, 200, (nonce) => renderAuditReportPage(model, nonce));
  });

  return router;
}

async function accessOf(deps: AuditReportPageDeps, req: Request): Promise<Access> {
  const runId = String(req.params.runId);
  const key = typeof req.query.key === 'string' ? req.query.key : undefined;
  if (key !== undefined) {
    const link = await inspectReportLinkKey(deps.db, key);
    if (link.state === 'unknown' || (link.state === 'valid' && link.runId !== runId)) return refuse(404, NOT_FOUND);
    if (link.state === 'expired') {
      return refuse(410, { title: 'Link expired', message: `This link expired on ${formatTime(link.expiredAt)}. Compliance officers and admins of the site can still open the report with their API token.` });
    }
    const officers = deps.rules.forSite(link.siteId)?.rules.stewardship.complianceOfficers ?? [];
    if (!officers.some((officer) => officer.toLowerCase() === link.personEmail)) {
      return refuse(403, { title: 'Not a compliance officer any more', message: `${link.personEmail} is no longer a compliance officer of site ${link.siteId}, so this link no longer opens its reports.` });
    }
    const run = await deps.source.run(link.runId);
    return run ? { viewer: link.personEmail, run, key } : refuse(404, NOT_FOUND);
  }

  const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (!bearer) {
    return refuse(401, { title: 'Sign in needed', message: 'Open the report from the link in your email, or send an API token of a compliance officer or admin of the site as Authorization: Bearer <token>.' });
  }
  const user = await findUserByToken(deps.db, bearer);
  if (!user) return refuse(401, { title: 'Token not valid', message: 'Unknown, revoked or expired API token.' });
  if (!REPORT_ROLES.some((role) => user.roles.includes(role))) {
    return refuse(403, { title: 'Not allowed', message: `Audit reports need the role compliance or admin; you have ${user.roles.join(', ') || 'no role'}.` });
  }
  const run = await deps.source.run(runId);
  if (!run) return refuse(404, NOT_FOUND);
  if (!canActOnSite(user, run.siteId)) return refuse(403, { title: 'Not allowed', message: `This report belongs to site "${run.siteId}", which you may not act on.` });
  return { viewer: user.email, run };
}

function refuse(status: number, page: MessagePageModel): Access {
  return { refusal: { status, page } };
}

/** Which check's failing rows to page, and from where; anything else shows every check's first page. */
function pageQuery(req: Request): { check?: string; offset: number } {
  const check = typeof req.query.check === 'string' ? req.query.check : undefined;
  const offset = typeof req.query.offset === 'string' && /^\d{1,9}$/.test(req.query.offset) ? Number(req.query.offset) : 0;
  return { check, offset };
}

