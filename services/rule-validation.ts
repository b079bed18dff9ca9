import { isJsonObject } from '../core/json';
import { parseRuleFile } from '../core/rules/parse-rule-file';
import type { RuleFileError } from '../core/rules/rule-file-error';
import { buildScopedRuleSet, ruleFileOfScope, ruleFileText } from '../core/rules/rule-scope';
import type { VersionedSiteRules } from '../core/rules/types';
import { latestPublications } from '../store/rule-publications';
import { AppError, badRequest } from '../api/errors';

type Queryable = Parameters<typeof latestPublications>[0];

/** A rule file as an admin sends it: its content, and the text it is kept and exported as. */
export interface RuleFileBody {
  content: unknown;
  fileText: string;
}

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
