import { isUuid } from '../core/ids';
import { ruleChanges, unifiedDiff, type RuleChange } from '../core/rules/rule-diff';
import { ruleFileOfScope } from '../core/rules/rule-scope';
import type { Db } from '../runtime/db';
import { createDraft, findDraft, updateDraft, type RuleDraft } from '../store/rule-drafts';
import { findPublication, latestPublication } from '../store/rule-publications';
import type { User } from '../store/users';
import { badRequest, notFound } from '../api/errors';
import { checkRuleSetWith, invalidRules, type RuleFileBody } from './rule-validation';

/** Saves a new draft of a scope, based on its current version; an invalid draft is refused with
 * every error and its JSON pointer (422), so a saved draft can always be published as it is. */
export async function saveNewDraft(db: Db, scope: string, file: RuleFileBody, author: User): Promise<RuleDraft> {
  await refuseInvalid(db, scope, file);
  const latest = await latestPublication(db, scope);
  return createDraft(db, { scope, content: file.content, fileText: file.fileText, baseVersion: latest?.version ?? 0, author: author.id });
}

/** Replaces a draft's content; `baseVersion` moves it onto a newer published version. */
export async function saveDraft(db: Db, draft: RuleDraft, file: RuleFileBody, baseVersion?: number): Promise<RuleDraft> {
  await refuseInvalid(db, draft.scope, file);
  if (baseVersion !== undefined && !(await findPublication(db, draft.scope, baseVersion))) {
    throw badRequest(`baseVersion ${baseVersion}: ${ruleFileOfScope(draft.scope)} has no such version`);
  }
  return updateDraft(db, draft.id, { content: file.content, fileText: file.fileText, baseVersion: baseVersion ?? draft.baseVersion });
}

export async function draftOfScope(db: Db, scope: string, id: string): Promise<RuleDraft> {
  const draft = isUuid(id) ? await findDraft(db, scope, id) : undefined;
  if (!draft) throw notFound(`no draft ${id} of ${ruleFileOfScope(scope)}`);
  return draft;
}

async function refuseInvalid(db: Db, scope: string, file: RuleFileBody): Promise<void> {
  const { errors } = await checkRuleSetWith(db, scope, file.fileText);
  if (errors.length > 0) throw invalidRules(scope, errors);
}

/** One side of a diff: a published version (by number, or "current") or a draft (by id). */
interface DiffSide {
  label: string;
  content: unknown;
  fileText: string;
}

export interface RuleDiff {
  from: string;
  to: string;
  /** every changed value, at its innermost JSON pointer */
  changes: RuleChange[];
  /** the same as a unified diff of the two files (empty when they are equal) */
  text: string;
}

/** The difference between two versions or drafts of a scope; `from` defaults to the current version. */
export async function diffRuleFiles(db: Db, scope: string, from: string | undefined, to: string): Promise<RuleDiff> {
  const [before, after] = [await diffSide(db, scope, from ?? 'current', 'from'), await diffSide(db, scope, to, 'to')];
  return {
    from: before.label,
    to: after.label,
    changes: ruleChanges(before.content, after.content),
    text: unifiedDiff(before.fileText, after.fileText, { before: before.label, after: after.label }),
  };
}

async function diffSide(db: Db, scope: string, reference: string, parameter: string): Promise<DiffSide> {
  const file = ruleFileOfScope(scope);
  if (reference === 'current') {
    const latest = await latestPublication(db, scope);
    if (!latest) throw notFound(`${file} was never published`);
    return { label: `${file} version ${latest.version} (current)`, content: latest.content, fileText: latest.fileText };
  }
  if (/^[1-9][0-9]{0,8}$/.test(reference)) {
    const publication = await findPublication(db, scope, Number(reference));
    if (!publication) throw notFound(`${file} has no version ${reference}`);
    return { label: `${file} version ${publication.version}`, content: publication.content, fileText: publication.fileText };
  }
  if (isUuid(reference)) {
    const draft = await draftOfScope(db, scope, reference);
    return { label: `${file} draft ${draft.id}`, content: draft.content, fileText: draft.fileText };
  }
  throw badRequest(`query parameter ${parameter} must be a version number, "current" or a draft id, got "${reference}"`);
}
