import { withMissingProperties } from '../core/rules/missing-properties';
import { GLOBAL_SCOPE, ruleFileHash, ruleFileText } from '../core/rules/rule-scope';
import type { Db } from '../runtime/db';
import { readRuleFile } from '../runtime/rule-files';
import { RULE_FILES_AUTHOR } from '../runtime/published-rules';
import { latestPublication } from '../store/rule-publications';
import { AppError } from '../api/errors';
import { checkedBase, insertVersion, publishing } from './rule-publishing';

/**
 * A new release may require rule fields that global rules published under an earlier one lack,
 * and the platform cannot start (nor be reached to publish) without valid rules. This gives the
 * published global rules every property they lack from the shipped `global.json` of `directory`,
 * changing nothing the admins set, and publishes that as a new version when the whole set then
 * validates (change_log names what was added). Returns the JSON pointers added; none when there
 * was nothing to add or the set would still be invalid (its errors then stand).
 */
export async function completePublishedGlobalRules(db: Db, directory: string): Promise<string[]> {
  const shipped = readRuleFile(directory, 'global.json');
  if (!shipped.ok) return [];
  const defaults: unknown = JSON.parse(shipped.file.text);
  try {
    return await publishing(GLOBAL_SCOPE, () =>
      db.transaction(async (trx) => {
        const latest = await latestPublication(trx, GLOBAL_SCOPE);
        if (!latest) return [];
        const { value: content, added } = withMissingProperties(latest.content, defaults);
        if (added.length === 0) return [];
        const fileText = ruleFileText(content);
        const contentHash = ruleFileHash(content);
        const checked = await checkedBase(trx, GLOBAL_SCOPE, latest.version, contentHash, fileText);
        await insertVersion(
          trx,
          {
            scope: GLOBAL_SCOPE,
            file: { content, fileText },
            comment: `completed at start-up with what this release requires, from rules/global.json: ${added.join(', ')}`,
            authorId: RULE_FILES_AUTHOR,
            approvedBy: RULE_FILES_AUTHOR,
            contentHash,
          },
          checked,
        );
        return added;
      }),
    );
  } catch (error) {
    // still invalid with the shipped properties, or another process completed it first
    if (error instanceof AppError) return [];
    throw error;
  }
}
