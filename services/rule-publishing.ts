import type { Knex } from 'knex';
import { isUuid } from '../core/ids';
import { isJsonObject } from '../core/json';
import { parseRuleFile } from '../core/rules/parse-rule-file';
import { ruleChanges } from '../core/rules/rule-diff';
import type { RuleFileError } from '../core/rules/rule-file-error';
import { buildScopedRuleSet, GLOBAL_SCOPE, ruleFileHash, ruleFileOfScope, ruleFileText } from '../core/rules/rule-scope';
import type { GlobalRuleFile, VersionedSiteRules } from '../core/rules/types';
import type { Db } from '../runtime/db';
import { appendChange } from '../store/change-log';
import {
  findPublication,
  insertPublication,
  isUniqueViolation,
  latestPublication,
  latestPublications,
  type RulePublication,
} from '../store/rule-publications';
import type { User } from '../store/users';
import { AppError, badRequest, conflict, forbidden, notFound } from '../api/errors';
import { findApproval, markApproved, markSuperseded, requestApproval, type RuleApproval } from '../store/rule-approvals';

type Queryable = Parameters<typeof latestPublications>[0];

/** A rule file as an admin sends it: its content, and the text it is kept and exported as. */
export interface RuleFileBody {
  content: unknown;
  fileText: string;
}

/** Publishes of every scope take this transaction-level advisory lock, one after the other, so
 * each is validated against exactly the set it joins (a global change can break a site file). */
const PUBLISH_LOCK = 7_013_001;

/** The rule file of a request body: `{ "text": "<the file>" }` (kept as written; a syntax error
 * names its line and column) or `{ "content": { ... } }` (kept as two-space JSON). */
export function ruleFileOfBody(scope: string, body: unknown): RuleFileBody {
  const file = ruleFileOfScope(scope);
  if (isJsonObject(body) && typeof body.text === 'string') {
    const parsed = parseRuleFile(file, body.text);
    if (!parsed.ok) throw invalidRules(scope, [parsed.error]);
    return { content: parsed.document, fileText: body.text.endsWith('\n') ? body.text : `${body.text}\n` };
  }
  if (isJsonObject(body) && isJsonObject(body.content)) return { content: body.content, fileText: ruleFileText(body.content) };
  throw badRequest(`send the rule file as { "content": { ... } } (parsed JSON) or { "text": "..." } (the file as written) for ${file}`);
}

export function invalidRules(scope: string, errors: RuleFileError[]): AppError {
  return new AppError(422, 'invalid_rules', `${ruleFileOfScope(scope)} is not valid (${errors.length} problem${errors.length === 1 ? '' : 's'}): see details.errors, each with its file, JSON pointer and reason`, { errors });
}

export interface RuleSetCheck {
  errors: RuleFileError[];
  /** the merged rules of every site, when the set validates */
  sites?: Map<string, VersionedSiteRules>;
}

/** Validates the whole rule set as it would be with this file in its scope and every other scope
 * as published: schema errors, semantic checks and lock violations, with JSON pointers. */
export async function checkRuleSetWith(db: Queryable, scope: string, fileText: string): Promise<RuleSetCheck> {
  const texts = new Map((await latestPublications(db)).map((publication) => [publication.scope, publication.fileText]));
  texts.set(scope, fileText);
  const ruleSet = buildScopedRuleSet(texts);
  return ruleSet.ok ? { errors: [], sites: ruleSet.sites } : { errors: ruleSet.errors };
}

export interface PublishRequest {
  scope: string;
  file: RuleFileBody;
  /** the version the admin's change is based on (0 for a scope never published): another
   * publication since then is a conflict */
  baseVersion: number;
  comment: string;
  author: User;
  /** set by a rollback: the earlier version whose content this restores */
  restoresVersion?: number;
}

export interface PublishedVersion {
  state: 'published';
  scope: string;
  version: number;
  contentHash: string;
  publishedAt: Date;
  author: string;
  approvedBy: string;
  comment: string;
  restoresVersion: number | null;
  /** the version every affected site's decisions will record (sha256 of its merged rules) */
  rulesVersions: Record<string, string>;
}

export interface PendingPublication {
  state: 'pending';
  approvalId: string;
  scope: string;
  baseVersion: number;
  contentHash: string;
  author: string;
  comment: string;
  restoresVersion: number | null;
  requestedAt: Date;
}

/** Publishes a new version of a scope: exactly one of two publishes on the same base wins, the
 * other gets 409; an invalid set is refused with every error (422). When the global rules in force
 * ask for a second admin, the publication waits as pending until another admin approves it.
 * Written to change_log either way. */
export async function publishRuleFile(db: Db, request: PublishRequest): Promise<PublishedVersion | PendingPublication> {
  const { scope, file, author } = request;
  const contentHash = ruleFileHash(file.content);
  return publishing(scope, () =>
    db.transaction(async (trx) => {
      const latest = await checkedBase(trx, scope, request.baseVersion, contentHash, file.fileText);
      if (await secondAdminRequired(trx)) {
        const approval = await requestApproval(trx, {
          scope,
          baseVersion: request.baseVersion,
          content: file.content,
          fileText: file.fileText,
          contentHash,
          author: author.id,
          comment: request.comment,
          restoresVersion: request.restoresVersion ?? null,
        });
        await appendChange(trx, {
          entityType: 'rules',
          entityId: scope,
          siteId: scope === GLOBAL_SCOPE ? null : scope,
          action: 'rules_approval_requested',
          before: latest ? { version: latest.version, contentHash: latest.contentHash } : undefined,
          after: { approvalId: approval.id, contentHash, comment: request.comment, restoresVersion: approval.restoresVersion, changes: ruleChanges(latest?.content ?? {}, file.content) },
          actor: author.id,
          rulesVersion: contentHash,
          idempotencyKey: `rules:${scope}:approval:${approval.id}`,
        });
        return pendingOf(approval);
      }
      // without a second admin, the publisher is the one who approved the change
      return insertVersion(trx, { ...request, authorId: author.id, approvedBy: author.id, contentHash }, latest);
    }),
  );
}

/** A second admin approves a pending publication: it is published as it was requested, if its
 * base is still the current version (409 otherwise) and the set still validates. */
export async function approvePublication(db: Db, scope: string, approvalId: string, approver: User): Promise<PublishedVersion> {
  return publishing(scope, () =>
    db.transaction(async (trx) => {
      const approval = isUuid(approvalId) ? await findApproval(trx, scope, approvalId, { forUpdate: true }) : undefined;
      if (!approval) throw notFound(`no pending publication ${approvalId} of ${ruleFileOfScope(scope)}`);
      if (approval.status !== 'pending') throw conflict(`publication ${approvalId} was ${approval.status} at ${approval.decidedAt?.toISOString()} by user ${approval.decidedBy}`);
      if (approval.author === approver.id) throw forbidden('a second admin must approve: you asked for this publication yourself');
      let latest: RulePublication | undefined;
      try {
        latest = await checkedBase(trx, scope, approval.baseVersion, approval.contentHash, approval.fileText);
      } catch (error) {
        if (!(error instanceof AppError && error.status === 409)) throw error;
        // it can never be published as it is: keep that (the transaction commits), then say 409
        await markSuperseded(trx, approval.id, approver.id);
        return { superseded: error };
      }
      await markApproved(trx, approval.id, approver.id);
      return insertVersion(
        trx,
        {
          scope,
          file: { content: approval.content, fileText: approval.fileText },
          comment: approval.comment,
          restoresVersion: approval.restoresVersion ?? undefined,
          authorId: approval.author,
          approvedBy: approver.id,
          contentHash: approval.contentHash,
        },
        latest,
      );
    }),
  ).then((outcome) => {
    if ('superseded' in outcome) throw outcome.superseded;
    return outcome;
  });
}

/** Publishes take a transaction-level advisory lock, one after the other; the unique (scope,
 * version) is the last word should anything slip past it. */
async function publishing<T>(scope: string, publish: () => Promise<T>): Promise<T> {
  try {
    return await publish();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`another version of ${ruleFileOfScope(scope)} was published at the same time: look at the versions and publish again`);
    throw error;
  }
}

/** Under the publish lock: the base is the current version, the content changes something, and
 * the whole set validates with it. Returns the current version. */
async function checkedBase(trx: Knex.Transaction, scope: string, baseVersion: number, contentHash: string, fileText: string): Promise<RulePublication | undefined> {
  await trx.raw('SELECT pg_advisory_xact_lock(?)', [PUBLISH_LOCK]);
  const latest = await latestPublication(trx, scope);
  const current = latest?.version ?? 0;
  if (baseVersion !== current) throw staleBase(scope, baseVersion, latest);
  if (latest && latest.contentHash === contentHash) {
    throw new AppError(422, 'no_change', `the content is the same as version ${current} of ${ruleFileOfScope(scope)}: nothing to publish`);
  }
  const check = await checkRuleSetWith(trx, scope, fileText);
  if (!check.sites) throw invalidRules(scope, check.errors);
  return latest;
}

/** The global rules in force decide, not the change being published: a publication cannot
 * switch off its own approval. */
async function secondAdminRequired(trx: Knex.Transaction): Promise<boolean> {
  const global = await latestPublication(trx, GLOBAL_SCOPE);
  return (global?.content as GlobalRuleFile | undefined)?.administration?.secondAdminApproval === true;
}

interface NewVersion {
  scope: string;
  file: RuleFileBody;
  comment: string;
  restoresVersion?: number;
  authorId: string;
  approvedBy: string;
  contentHash: string;
}

async function insertVersion(trx: Knex.Transaction, request: NewVersion, latest: RulePublication | undefined): Promise<PublishedVersion> {
  const { scope, file, contentHash } = request;
  const version = (latest?.version ?? 0) + 1;
  const id = await insertPublication(trx, {
    scope,
    version,
    content: file.content,
    fileText: file.fileText,
    contentHash,
    author: request.authorId,
    comment: request.comment,
    approvedBy: request.approvedBy,
    restoresVersion: request.restoresVersion ?? null,
  });
  const check = await checkRuleSetWith(trx, scope, file.fileText);
  const rulesVersions = Object.fromEntries(
    [...(check.sites ?? [])].filter(([siteId]) => scope === GLOBAL_SCOPE || siteId === scope).map(([siteId, versioned]) => [siteId, versioned.version]),
  );
  await appendChange(trx, {
    entityType: 'rules',
    entityId: scope,
    siteId: scope === GLOBAL_SCOPE ? null : scope,
    action: request.restoresVersion === undefined ? 'rules_published' : 'rules_rolled_back',
    before: latest ? { version: latest.version, contentHash: latest.contentHash } : undefined,
    after: {
      version,
      contentHash,
      comment: request.comment,
      approvedBy: request.approvedBy,
      restoresVersion: request.restoresVersion ?? null,
      rulesVersions,
      changes: ruleChanges(latest?.content ?? {}, file.content),
    },
    actor: request.authorId,
    rulesVersion: contentHash,
    idempotencyKey: `rules:${scope}:${version}:${id}`,
  });
  const published = (await findPublication(trx, scope, version))!;
  return {
    state: 'published',
    scope,
    version,
    contentHash,
    publishedAt: published.publishedAt,
    author: request.authorId,
    approvedBy: request.approvedBy,
    comment: request.comment,
    restoresVersion: request.restoresVersion ?? null,
    rulesVersions,
  };
}

function pendingOf(approval: RuleApproval): PendingPublication {
  return {
    state: 'pending',
    approvalId: approval.id,
    scope: approval.scope,
    baseVersion: approval.baseVersion,
    contentHash: approval.contentHash,
    author: approval.author,
    comment: approval.comment,
    restoresVersion: approval.restoresVersion,
    requestedAt: approval.requestedAt,
  };
}

/** A new version with the content of an earlier one (validated against the set as it is now). */
export async function rollbackRuleFile(
  db: Db,
  request: { scope: string; toVersion: number; baseVersion?: number; comment?: string; author: User },
): Promise<PublishedVersion | PendingPublication> {
  const target = await findPublication(db, request.scope, request.toVersion);
  if (!target) throw notFound(`${ruleFileOfScope(request.scope)} has no version ${request.toVersion}`);
  const latest = await latestPublication(db, request.scope);
  return publishRuleFile(db, {
    scope: request.scope,
    file: { content: target.content, fileText: target.fileText },
    baseVersion: request.baseVersion ?? latest?.version ?? 0,
    comment: request.comment?.trim() || `roll back to version ${request.toVersion}`,
    author: request.author,
    restoresVersion: request.toVersion,
  });
}

function staleBase(scope: string, baseVersion: number, latest: RulePublication | undefined) {
  const current = latest?.version ?? 0;
  return conflict(
    `${ruleFileOfScope(scope)} is at version ${current}, not ${baseVersion}: ${latest ? `version ${current} was published at ${latest.publishedAt.toISOString()}` : 'it was never published'}. Diff against version ${current} and publish again with baseVersion ${current}`,
    { currentVersion: current },
  );
}
