import { Router, type Request, type Response } from 'express';
import { isJsonObject } from '../../core/json';
import { ruleChanges } from '../../core/rules/rule-diff';
import { GLOBAL_SCOPE, isRuleScope, ruleFileOfScope } from '../../core/rules/rule-scope';
import { diffRuleFiles, draftOfScope, saveDraft, saveNewDraft } from '../../services/rule-drafts';
import { DEFAULT_IMPACT_LIMITS, previewDraftImpact } from '../../services/rule-impact';
import { approvePublication } from '../../services/rule-approvals';
import { publishRuleFile, rollbackRuleFile, type PendingPublication, type PublishedVersion } from '../../services/rule-publishing';
import { checkRuleSetWith, ruleFileOfBody } from '../../services/rule-validation';
import { pendingApprovals } from '../../store/rule-approvals';
import { deleteDraft, draftsOfScope, type RuleDraft } from '../../store/rule-drafts';
import { findPublication, latestPublication, latestPublications, publicationHistory, type RulePublication } from '../../store/rule-publications';
import { ALL_SITES, canActOnSite, type User } from '../../store/users';
import { currentUser, requireAccess } from '../auth';
import type { ApiContext } from '../context';
import { badRequest, forbidden, notFound } from '../errors';
import { optionalString } from '../params';

const MAX_COMMENT_LENGTH = 2000;
const MAX_SAMPLE_LIMIT = 50_000;

/** The rule files as admins edit them: published versions per scope ('global' or a site id),
 * validation, drafts, diffs, publish and roll back. */
export function ruleRoutes(context: ApiContext): Router {
  const router = Router();

  /** The scope of the path, once the caller may read it (write: may also change it). */
  const scopeOf = (req: Request, user: User, access: 'read' | 'write'): string => {
    const scope = req.params.scope as string;
    if (!isRuleScope(scope)) throw notFound(`no rules "${scope}": a scope is "global" or a site id`);
    requireAccess(user, { roles: ['admin'] });
    if (scope === GLOBAL_SCOPE) {
      if (access === 'write' && !user.sites.includes(ALL_SITES)) throw forbidden('the global rules may be changed only by admins of all sites (sites: *)');
    } else if (!canActOnSite(user, scope)) {
      throw forbidden(`you may not act on site "${scope}"`);
    }
    return scope;
  };

  /** 201 with the new version, or 202 when it waits for a second admin. */
  const answerPublish = async (res: Response, outcome: PublishedVersion | PendingPublication) => {
    if (outcome.state === 'pending') {
      context.log(`rules ${outcome.scope} publication ${outcome.approvalId} waits for a second admin`);
      res.status(202).json(outcome);
      return;
    }
    // this process takes the new version at once; the others find it at their next poll
    await context.rulesPublished?.();
    context.log(`rules ${outcome.scope} version ${outcome.version} published by user ${outcome.author}, approved by user ${outcome.approvedBy}`);
    res.status(201).json(outcome);
  };

  router.get('/rules', async (_req, res) => {
    const user = currentUser(res);
    requireAccess(user, { roles: ['admin'] });
    const scopes = (await latestPublications(context.db))
      .filter((publication) => publication.scope === GLOBAL_SCOPE || canActOnSite(user, publication.scope))
      .sort((a, b) => (a.scope === GLOBAL_SCOPE ? -1 : b.scope === GLOBAL_SCOPE ? 1 : a.scope.localeCompare(b.scope)))
      .map((publication) => ({ ...summaryOf(publication), rulesVersion: context.rules.forSite(publication.scope)?.version ?? null }));
    res.json({ scopes });
  });

  router.get('/rules/:scope/versions', async (req, res) => {
    const scope = scopeOf(req, currentUser(res), 'read');
    const history = await publicationHistory(context.db, scope);
    if (history.length === 0) throw notFound(`${ruleFileOfScope(scope)} was never published`);
    res.json({ scope, versions: history.map(summaryOf) });
  });

  router.get('/rules/:scope/versions/:version', async (req, res) => {
    const scope = scopeOf(req, currentUser(res), 'read');
    const reference = req.params.version;
    const publication =
      reference === 'current'
        ? await latestPublication(context.db, scope)
        : /^[1-9][0-9]{0,8}$/.test(reference)
          ? await findPublication(context.db, scope, Number(reference))
          : undefined;
    if (!publication) throw notFound(`${ruleFileOfScope(scope)} has no version ${reference} (a version number or "current")`);
    res.json({ ...summaryOf(publication), content: publication.content, text: publication.fileText });
  });

  router.post('/rules/:scope/validate', async (req, res) => {
    const scope = scopeOf(req, currentUser(res), 'read');
    const file = ruleFileOfBody(scope, req.body);
    const check = await checkRuleSetWith(context.db, scope, file.fileText);
    res.json({
      valid: check.errors.length === 0,
      errors: check.errors,
      ...(check.sites && scope !== GLOBAL_SCOPE ? { rulesVersion: check.sites.get(scope)?.version ?? null } : {}),
    });
  });

  router.get('/rules/:scope/drafts', async (req, res) => {
    const scope = scopeOf(req, currentUser(res), 'read');
    res.json({ drafts: (await draftsOfScope(context.db, scope)).map(draftSummaryOf) });
  });

  router.post('/rules/:scope/drafts', async (req, res) => {
    const user = currentUser(res);
    const scope = scopeOf(req, user, 'write');
    const draft = await saveNewDraft(context.db, scope, ruleFileOfBody(scope, req.body), user);
    res.status(201).json(draftView(draft));
  });

  router.get('/rules/:scope/drafts/:id', async (req, res) => {
    const scope = scopeOf(req, currentUser(res), 'read');
    res.json(draftView(await draftOfScope(context.db, scope, req.params.id)));
  });

  router.put('/rules/:scope/drafts/:id', async (req, res) => {
    const scope = scopeOf(req, currentUser(res), 'write');
    const draft = await draftOfScope(context.db, scope, req.params.id);
    const baseVersion = req.body?.baseVersion === undefined ? undefined : bodyNumber(req.body.baseVersion, 'baseVersion');
    res.json(draftView(await saveDraft(context.db, draft, ruleFileOfBody(scope, req.body), baseVersion)));
  });

  router.delete('/rules/:scope/drafts/:id', async (req, res) => {
    const scope = scopeOf(req, currentUser(res), 'write');
    const draft = await draftOfScope(context.db, scope, req.params.id);
    await deleteDraft(context.db, draft.id);
    res.status(204).end();
  });

  // read-only: it computes figures and changes nothing; a global draft shows the caller's sites
  router.post('/rules/:scope/drafts/:id/impact', async (req, res) => {
    const user = currentUser(res);
    const scope = scopeOf(req, user, 'read');
    const draft = await draftOfScope(context.db, scope, req.params.id);
    const sampleLimit = req.body?.sampleLimit === undefined ? DEFAULT_IMPACT_LIMITS.sampleLimit : bodyNumber(req.body.sampleLimit, 'sampleLimit', 1);
    const impact = await previewDraftImpact(context.db, draft, (sites) => sites.filter((siteId) => canActOnSite(user, siteId)), {
      ...DEFAULT_IMPACT_LIMITS,
      sampleLimit: Math.min(sampleLimit, MAX_SAMPLE_LIMIT),
    });
    res.json(impact);
  });

  router.get('/rules/:scope/diff', async (req, res) => {
    const scope = scopeOf(req, currentUser(res), 'read');
    const to = optionalString(req, 'to');
    if (to === undefined) throw badRequest('query parameter to is required: a version number, "current" or a draft id (from defaults to the current version)');
    res.json(await diffRuleFiles(context.db, scope, optionalString(req, 'from'), to));
  });

  router.post('/rules/:scope/publish', async (req, res) => {
    const user = currentUser(res);
    const scope = scopeOf(req, user, 'write');
    const body = isJsonObject(req.body) ? req.body : {};
    const comment = commentOf(body.comment);
    let draft: RuleDraft | undefined;
    if (body.draftId !== undefined) draft = await draftOfScope(context.db, scope, String(body.draftId));
    const file = draft ? { content: draft.content, fileText: draft.fileText } : ruleFileOfBody(scope, body);
    const baseVersion =
      body.baseVersion !== undefined
        ? bodyNumber(body.baseVersion, 'baseVersion')
        : draft
          ? draft.baseVersion
          : missingBaseVersion();
    const outcome = await publishRuleFile(context.db, { scope, file, baseVersion, comment, author: user });
    if (draft) await deleteDraft(context.db, draft.id);
    await answerPublish(res, outcome);
  });

  router.post('/rules/:scope/rollback', async (req, res) => {
    const user = currentUser(res);
    const scope = scopeOf(req, user, 'write');
    const body = isJsonObject(req.body) ? req.body : {};
    const outcome = await rollbackRuleFile(context.db, {
      scope,
      toVersion: bodyNumber(body.toVersion, 'toVersion', 1),
      baseVersion: body.baseVersion === undefined ? undefined : bodyNumber(body.baseVersion, 'baseVersion'),
      comment: body.comment === undefined ? undefined : commentOf(body.comment),
      author: user,
    });
    await answerPublish(res, outcome);
  });

  router.get('/rules/:scope/approvals', async (req, res) => {
    const scope = scopeOf(req, currentUser(res), 'read');
    const [pending, latest] = [await pendingApprovals(context.db, scope), await latestPublication(context.db, scope)];
    // what each would change, so the second admin sees what they approve
    res.json({
      approvals: pending.map(({ content, fileText: _fileText, status: _status, decidedBy: _by, decidedAt: _at, id, ...approval }) => ({
        approvalId: id,
        ...approval,
        changes: ruleChanges(latest?.content ?? {}, content),
      })),
    });
  });

  router.post('/rules/:scope/approvals/:id/approve', async (req, res) => {
    const user = currentUser(res);
    const scope = scopeOf(req, user, 'write');
    await answerPublish(res, await approvePublication(context.db, scope, req.params.id, user));
  });

  return router;
}

function summaryOf(publication: Omit<RulePublication, 'content' | 'fileText'>) {
  return {
    scope: publication.scope,
    file: ruleFileOfScope(publication.scope),
    version: publication.version,
    contentHash: publication.contentHash,
    author: publication.author,
    authorEmail: publication.authorEmail,
    comment: publication.comment,
    publishedAt: publication.publishedAt,
    approvedBy: publication.approvedBy,
    approvedByEmail: publication.approvedByEmail,
    restoresVersion: publication.restoresVersion,
  };
}

function draftSummaryOf(draft: RuleDraft) {
  return { id: draft.id, scope: draft.scope, baseVersion: draft.baseVersion, author: draft.author, createdAt: draft.createdAt, updatedAt: draft.updatedAt };
}

function draftView(draft: RuleDraft) {
  return { ...draftSummaryOf(draft), content: draft.content, text: draft.fileText };
}

/** A whole number from the body (versions, limits). */
function bodyNumber(value: unknown, name: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw badRequest(`${name} must be a whole number of at least ${min}`);
  return value;
}

function missingBaseVersion(): never {
  throw badRequest('baseVersion is required: the version your change is based on (GET /api/rules shows the current one; 0 for a site never published)');
}

function commentOf(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_COMMENT_LENGTH) {
    throw badRequest(`comment is required: say why, in at most ${MAX_COMMENT_LENGTH} characters`);
  }
  return value.trim();
}
