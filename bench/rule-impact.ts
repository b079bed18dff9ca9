/** Impact-preview benchmark: how long the preview's pure part (scoring each deciding pair under
 * the rules in force and under a draft; deriving golden records under two survivorship rules)
 * takes per number of rows, to size the default sample of POST /api/rules/:scope/drafts/:id/impact.
 * Pairs are the true duplicate pairs of a labelled file plus consecutive records (mostly
 * different people); golden records are the clusters of the true pairs. The last line is one JSON object.
 *
 *   npm run bench:rule-impact -- [<records.csv> <truth_pairs.csv> --id <column>]
 *   (default: ../shared/data/febrl/febrl2.csv with its truth pairs, --id rec_id)
 */
import fs from 'node:fs';
import path from 'node:path';
import { normaliseRecord } from '../core/normalise';
import { matchingImpact, survivorshipImpact, type DecidingPair, type GoldenRecordSources } from '../core/rules/rule-impact';
import type { GlobalRuleFile } from '../core/rules/types';
import { BUILT_IN_MAPPING, readLabelledRecords } from './labelled-records';
import { readTruthPairs } from './pair-metrics';

const DATA = path.join(__dirname, '..', '..', 'shared', 'data', 'febrl');
const SIZES = [1_000, 5_000, 20_000, 50_000];

function main(argv: string[]): void {
  const idIndex = argv.indexOf('--id');
  const idColumn = idIndex >= 0 ? argv[idIndex + 1]! : 'rec_id';
  const [recordsFile, truthFile] = argv.filter((argument, index) => !argument.startsWith('--') && index !== idIndex + 1);
  const files = { records: recordsFile ?? path.join(DATA, 'febrl2.csv'), truth: truthFile ?? path.join(DATA, 'febrl2.truth_pairs.csv') };

  const global = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'rules', 'global.json'), 'utf8')) as GlobalRuleFile;
  const { records } = readLabelledRecords([files.records], { idColumn, hiddenColumns: [], mapping: BUILT_IN_MAPPING });
  const normalised = new Map(records.map(({ id, record }) => [id, normaliseRecord(record, global.normalisation)]));
  const ids = [...normalised.keys()];
  const truePairs = [...readTruthPairs(files.truth)].map((key) => key.split('\u0000') as [string, string]);

  const pairOf = (a: string, b: string, index: number): DecidingPair => ({
    sourceRecordId: `${a}:${index}`,
    status: 'linked',
    record: normalised.get(a)!,
    matchedRecord: normalised.get(b)!,
    openReview: false,
  });
  const pairsOfSize = (size: number): DecidingPair[] =>
    Array.from({ length: size }, (_, index) => {
      const truth = truePairs[index % (truePairs.length * 2)];
      if (truth && normalised.has(truth[0]) && normalised.has(truth[1])) return pairOf(truth[0], truth[1], index);
      return pairOf(ids[index % ids.length]!, ids[(index * 7 + 1) % ids.length]!, index);
    });
  const goldensOfSize = (size: number): GoldenRecordSources[] =>
    Array.from({ length: size }, (_, index) => {
      const [a, b] = truePairs[index % truePairs.length]!;
      return {
        customerId: String(index),
        sources: [a, b].filter((id) => normalised.has(id)).map((id, source) => ({
          sourceRecordId: `${id}:${index}`,
          siteId: 'bench',
          sourceSystem: source === 0 ? 'crm' : 'erp',
          receivedAt: new Date(Date.UTC(2026, 0, 1 + source)),
          record: normalised.get(id)!,
        })),
      };
    });

  const draftMatching = { ...global.matching, thresholds: { autoLink: 0.9999999, review: 0.5 } };
  const draftSurvivorship = { ...global.survivorship, default: 'sourcePriority' as const, sourcePriority: ['crm', 'erp'] };
  const rows: Array<{ rows: number; matchingMs: number; pairsPerSecond: number; bandChanges: number; survivorshipMs: number; goldensPerSecond: number; goldensChanging: number }> = [];
  for (const size of SIZES) {
    const pairs = pairsOfSize(size);
    let started = process.hrtime.bigint();
    const matching = matchingImpact(pairs, global.matching, draftMatching);
    const matchingMs = Number(process.hrtime.bigint() - started) / 1e6;
    const goldens = goldensOfSize(size);
    started = process.hrtime.bigint();
    const survivorship = survivorshipImpact(goldens, global.survivorship, draftSurvivorship);
    const survivorshipMs = Number(process.hrtime.bigint() - started) / 1e6;
    rows.push({
      rows: size,
      matchingMs: Math.round(matchingMs),
      pairsPerSecond: Math.round((size / matchingMs) * 1000),
      bandChanges: matching.bandChanges.reduce((total, change) => total + change.count, 0),
      survivorshipMs: Math.round(survivorshipMs),
      goldensPerSecond: Math.round((size / survivorshipMs) * 1000),
      goldensChanging: survivorship.changing,
    });
  }

  console.log(`impact preview, pure part, on ${path.basename(files.records)} (${records.length} records, ${truePairs.length} true pairs)`);
  console.log('| rows | matching ms | pairs/s | band changes | survivorship ms | golden records/s | changing |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    console.log(`| ${row.rows} | ${row.matchingMs} | ${row.pairsPerSecond} | ${row.bandChanges} | ${row.survivorshipMs} | ${row.goldensPerSecond} | ${row.goldensChanging} |`);
  }
  console.log(JSON.stringify({ bench: 'rule-impact', data: path.basename(files.records), rows }));
}

main(process.argv.slice(2));
