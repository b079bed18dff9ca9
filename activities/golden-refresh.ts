import type { Knex } from 'knex';
import type { SiteRulesSource } from '../core/rules/types';
import { findGoldenRecord } from '../store/customers';
import { removeGoldenRecord } from '../store/personal-data';
import { recomputeGoldenRecord } from './golden-records';

/** After source records left golden records (purged, anonymised or erased): each golden record is
 * derived again from the source records it still has, under its home site's rules, or removed
 * when none is left. */
export async function refreshGoldenRecords(
  trx: Knex.Transaction,
  rules: SiteRulesSource,
  customerIds: string[],
  actor: string,
): Promise<{ recomputed: number; removed: number }> {
  let recomputed = 0;
  let removed = 0;
  for (const customerId of customerIds) {
    const golden = await findGoldenRecord(trx, customerId, { forUpdate: true });
    if (!golden) continue;
    const [{ n }] = await trx('source_records').where({ customer_id: customerId }).count('* as n');
    if (Number(n) === 0) {
      await removeGoldenRecord(trx, customerId, actor);
      removed += 1;
      continue;
    }
    const home = rules.forSite(golden.homeSiteId);
    if (!home) throw new Error(`no rules for site ${golden.homeSiteId}, the home of golden record ${customerId}`);
    await recomputeGoldenRecord(trx, customerId, home.rules, home.version, actor, `${actor}:${customerId}`);
    recomputed += 1;
  }
  return { recomputed, removed };
}
