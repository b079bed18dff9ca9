import type { Knex } from 'knex';
import { ruleChanges } from '../core/rules/rule-diff';
import { GLOBAL_SCOPE, ruleFileHash, ruleFileOfScope } from '../core/rules/rule-scope';
import type { GlobalRuleFile, VersionedSiteRules } from '../core/rules/types';
import type { Db } from '../runtime/db';
import { appendChange } from '../store/change-log';
import { findPublication, insertPublication, isUniqueViolation, latestPublication, lockPublications, type RulePublication } from '../store/rule-publications';
import type { User } from '../store/users';
import { AppError, conflict, notFound } from '../api/errors';
import { requestApproval, type RuleApproval } from '../store/rule-approvals';
import { checkRuleSetWith, invalidRules, type RuleFileBody } from './rule-validation';

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
      const checked = await checkedBase(trx, scope, request.baseVersion, contentHash, file.fileText);
      const { latest } = checked;
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
      return insertVersion(trx, { ...request, authorId: author.id, approvedBy: author.id, contentHash }, checked);
    }),
  );
}

/** Publishes take a transaction-level advisory lock, one after the other; the unique (scope,
 * version) is the last word should anything slip past it. */
export async function publishing<T>(scope: string, publish: () => Promise<T>): Promise<T> {
  try {
    return await publish();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`another version of ${ruleFileOfScope(scope)} was published at the same time: look at the versions and publish again`);
    throw error;
  }
}

/** Takes the publish lock, then checks that the base is the current version, that the content
 * changes something, and that the whole set validates with it. Returns the current version and
 * every site's merged rules as they would be. */
export async function checkedBase(
  trx: Knex.Transaction,
  scope: string,
  baseVersion: number,
  contentHash: string,
  fileText: string,
): Promise<{ latest: RulePublication | undefined; sites: Map<string, VersionedSiteRules> }> {
  await lockPublications(trx);
  const latest = await latestPublication(trx, scope);
  const current = latest?.version ?? 0;
  if (baseVersion !== current) throw staleBase(scope, baseVersion, latest);
  if (latest && latest.contentHash === contentHash) {
    throw new AppError(422, 'no_change', `the content is the same as version ${current} of ${ruleFileOfScope(scope)}: nothing to publish`);
  }
  const check = await checkRuleSetWith(trx, scope, fileText);
  if (!check.sites) throw invalidRules(scope, check.errors);
  return { latest, sites: check.sites };
}

/** The global rules in force decide, not the change being published: a publication cannot
 * switch off its own approval. */
async function secondAdminRequired(trx: Knex.Transaction): Promise<boolean> {
  const global = await latestPublication(trx, GLOBAL_SCOPE);
  return (global?.content as GlobalRuleFile | undefined)?.administration?.secondAdminApproval === true;
}

export interface NewVersion {
  scope: string;
  file: RuleFileBody;
  comment: string;
  restoresVersion?: number;
  authorId: string;
  approvedBy: string;
  contentHash: string;
}

/** Inserts the next version and its change_log entry. */
export async function insertVersion(
  trx: Knex.Transaction,
  request: NewVersion,
  checked: { latest: RulePublication | undefined; sites: Map<string, VersionedSiteRules> },
): Promise<PublishedVersion> {
  const { latest } = checked;
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
  const rulesVersions = Object.fromEntries(
    [...checked.sites].filter(([siteId]) => scope === GLOBAL_SCOPE || siteId === scope).map(([siteId, versioned]) => [siteId, versioned.version]),
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

export function pendingOf(approval: RuleApproval): PendingPublication {
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
