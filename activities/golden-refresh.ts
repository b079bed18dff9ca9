import type { Knex } from 'knex';
import type { SiteRulesSource } from '../core/rules/types';
import { removeGoldenRecords } from '../store/personal-data';
import { recomputeGoldenRecord } from './golden-records';

/** After source records left golden records (purged, anonymised or erased): the golden records no
 * source record feeds any more are removed together; each other one is derived again from the
 * source records it still has, under its home site's rules. */
export async function refreshGoldenRecords(
  trx: Knex.Transaction,
  rules: SiteRulesSource,
  customerIds: string[],
  actor: string,
): Promise<{ recomputed: number; removed: number }> {
  if (customerIds.length === 0) return { recomputed: 0, removed: 0 };
  const goldens: Array<{ id: string; home_site_id: string; fed: boolean }> = await trx('customers as c')
    .whereIn('c.id', customerIds)
    .forUpdate()
    .select('c.id', 'c.home_site_id', trx.raw('EXISTS (SELECT 1 FROM source_records s WHERE s.customer_id = c.id) AS fed'));
  const orphaned = goldens.filter((golden) => !golden.fed).map((golden) => golden.id);
  await removeGoldenRecords(trx, orphaned, actor);
  const fed = goldens.filter((golden) => golden.fed);
  for (const golden of fed) {
    const home = rules.forSite(golden.home_site_id);
    if (!home) throw new Error(`no rules for site ${golden.home_site_id}, the home of golden record ${golden.id}`);
    await recomputeGoldenRecord(trx, golden.id, home.rules, home.version, actor, `${actor}:${golden.id}`);
  }
  return { recomputed: fed.length, removed: orphaned.length };
}
