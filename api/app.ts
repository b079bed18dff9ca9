import express from 'express';
import { authenticate, currentUser } from './auth';
import type { ApiContext } from './context';
import { errorHandler, unknownRoute } from './errors';
import { prometheusMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { customerRoutes } from './routes/customers';
import { importRoutes } from './routes/imports';
import { taskRoutes } from './routes/tasks';
import { ruleRoutes } from './routes/rules';
import { auditScheduleRoutes } from './routes/audit-schedules';
import { auditRoutes } from './routes/audits';
import { outboxPageRoutes, outboxRoutes } from './routes/outbox';
import { sitesOf } from '../store/users';
import { reviewPageRoutes } from './pages/review-pages';
import { auditReportPageRoutes } from './pages/audit-report-pages';
import { auditReportSource } from '../services/audit-reports';
import { decideFromEmailLink } from '../services/reviews';
import { legalHoldRoutes } from './routes/legal-holds';
import { purgeRoutes } from './routes/purges';
import { erasureRequestRoutes } from './routes/erasure-requests';
import { purgeScheduleRoutes } from './routes/purge-schedules';
import { erasurePageRoutes } from './pages/erasure-pages';
import { decideErasureFromEmailLink } from '../services/erasure-requests';

/** The HTTP API: JSON under /api (every call authenticated), health and metrics outside it. */
export function createApp(context: ApiContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', async (_req, res) => {
    await context.db.raw('SELECT 1');
    res.json({ status: 'ok', sites: context.rules.siteIds().length });
  });
  app.get('/metrics', prometheusMetrics(context.db));

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.get('/openapi.json', (_req, res) => res.json(openApiDocument));
  api.use(authenticate(context.db));
  api.get('/me', (_req, res) => {
    const user = currentUser(res);
    res.json({ ...user, sites: user.sites });
  });
  api.get('/sites', (_req, res) => {
    const user = currentUser(res);
    const sites = sitesOf(user, context.rules.siteIds()).map((siteId) => {
      const { rules, version } = context.rules.forSite(siteId)!;
      return { ...rules.site, rulesVersion: version };
    });
    res.json({ sites });
  });
  api.use(customerRoutes(context));
  api.use(taskRoutes(context));
  api.use(importRoutes(context));
  api.use(ruleRoutes(context));
  api.use(auditScheduleRoutes(context));
  api.use(auditRoutes(context));
  api.use(legalHoldRoutes(context));
  api.use(purgeRoutes(context));
  api.use(erasureRequestRoutes(context));
  api.use(purgeScheduleRoutes(context));
  api.use('/outbox', outboxRoutes({ db: context.db, enabled: context.outboxEnabled }));
  app.use('/api', api);
  app.use(outboxPageRoutes({ db: context.db, enabled: context.outboxEnabled }));
  app.use(
    reviewPageRoutes({
      db: context.db,
      decide: (request) => decideFromEmailLink({ db: context.db, rules: context.rules, client: context.temporal, taskQueue: context.taskQueue }, request),
    }),
  );

  app.use(auditReportPageRoutes({ db: context.db, rules: context.rules, source: auditReportSource(context.db) }));
  app.use(
    erasurePageRoutes({
      db: context.db,
      decide: (decision) => decideErasureFromEmailLink({ db: context.db, rules: context.rules, client: context.temporal, taskQueue: context.taskQueue }, decision),
    }),
  );

  app.use(unknownRoute);
  app.use(errorHandler(context.log));
  return app;
}
