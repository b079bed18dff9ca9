import { Router, type Response } from 'express';
import { isUuid } from '../../core/ids';
import type { ImportProgress, ImportRejection } from '../../core/imports/import';
import { startImport } from '../../services/imports';
import { findImport, importRejections } from '../../store/imports';
import { canActOnSite, type User } from '../../store/users';
import { currentUser, requireAccess } from '../auth';
import { csvValue } from '../csv';
import { siteRules, type ApiContext } from '../context';
import { AppError, badRequest, notFound } from '../errors';
import { optionalString } from '../params';

const IMPORT_ROLES = ['integration', 'steward', 'admin'] as const;
const READ_ROLES = [...IMPORT_ROLES, 'compliance'] as const;
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];
const MAX_NAME_LENGTH = 200;

export function importRoutes(context: ApiContext): Router {
  const router = Router();

  // The CSV is the raw request body, streamed into the database as it arrives.
  router.post('/sites/:site/imports', async (req, res) => {
    const user = currentUser(res);
    const siteId = req.params.site;
    siteRules(context, siteId);
    requireAccess(user, { roles: IMPORT_ROLES, site: siteId });
    const sourceSystem = requiredName(optionalString(req, 'sourceSystem'), 'sourceSystem');
    const fileName = optionalString(req, 'fileName') ?? null;
    if (!req.is(CSV_TYPES)) {
      throw new AppError(415, 'unsupported_media_type', `send the CSV file as the request body with Content-Type text/csv (got ${req.get('content-type') ?? 'none'})`);
    }
    const started = await startImport(
      { db: context.db, client: context.temporal, taskQueue: context.taskQueue },
      { siteId, sourceSystem, fileName, createdBy: user.id },
      req,
    );
    context.log(`import ${started.importId} of site ${siteId} staged ${started.totalRows} rows`);
    res.status(202).json({ importId: started.importId, workflowId: started.workflowId, status: started.status, totalRows: started.totalRows });
  });

  router.get('/imports/:id', async (req, res) => {
    res.json(await visibleImport(context, currentUser(res), req.params.id));
  });

  router.get('/imports/:id/rejections.csv', async (req, res) => {
    const stored = await visibleImport(context, currentUser(res), req.params.id);
    res.type('text/csv').attachment(`import-${stored.importId}-rejections.csv`);
    await writeRejectionsCsv(res, importRejections(context.db, stored.importId));
  });

  return router;
}

/** The import, or 404 alike for "absent" and "another site's", so ids of other sites stay unconfirmed. */
async function visibleImport(context: ApiContext, user: User, importId: string): Promise<ImportProgress> {
  const stored = isUuid(importId) ? await findImport(context.db, importId) : undefined;
  if (!stored || !canActOnSite(user, stored.siteId)) throw notFound(`no import ${importId} at your sites`);
  requireAccess(user, { roles: READ_ROLES, site: stored.siteId });
  return stored;
}

function requiredName(value: string | undefined, name: string): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH) {
    throw badRequest(`query parameter ${name} is required: a non-empty name of at most ${MAX_NAME_LENGTH} characters, e.g. ?${name}=crm`);
  }
  return trimmed;
}

/** One line per problem of a rejected row: no values beyond the source id. */
async function writeRejectionsCsv(res: Response, rejections: AsyncIterable<ImportRejection>): Promise<void> {
  res.write('line,source_id,field,rule,expected\r\n');
  for await (const rejection of rejections) {
    for (const problem of rejection.problems) {
      const line = [String(rejection.line), rejection.sourceId, problem.field, problem.rule, problem.expected].map(csvValue).join(',');
      if (!res.write(`${line}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
    }
  }
  res.end();
}
