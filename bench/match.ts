/** Matcher benchmark: runs labelled records through the production matching path (normalise,
 * match keys, SQL blocking, Fellegi-Sunter scoring) with the default rules of rules/global.json,
 * and prints pairwise quality against a truth-pairs file. The last line is one JSON object.
 *
 *   npm run bench:match -- <records.csv> [<second.csv>] <truth_pairs.csv> --id <column>
 *                          [--map mapping.json] [--ignore column...]
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { normaliseRecord } from '../core/normalise';
import { matchKeys } from '../core/matching/keys';
import { bestPerGoldenRecord, scoreCandidates } from '../core/matching/score';
import type { GlobalRuleFile } from '../core/rules/types';
import { findCandidateRecords, findTermFrequencies } from '../activities/matching-store';
import { openBenchDatabase } from './bench-database';
import { BUILT_IN_MAPPING, readLabelledRecords, readMappingFile, type LabelledRecord } from './labelled-records';
import { clusterPairs, pairKey, pairwiseQuality, readTruthPairs, type PairwiseQuality } from './pair-metrics';
import type { Db } from '../runtime/db';

interface BenchArguments {
  recordFiles: string[];
  truthFile: string;
  idColumn: string;
  mapFile?: string;
  hiddenColumns: string[];
}

function parseArguments(argv: string[]): BenchArguments {
  const positional: string[] = [];
  const hiddenColumns: string[] = [];
  let idColumn: string | undefined;
  let mapFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === '--id') idColumn = argv[++i];
    else if (argument === '--map') mapFile = argv[++i];
    else if (argument === '--ignore') {
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) hiddenColumns.push(...argv[++i]!.split(','));
    } else if (argument.startsWith('--')) throw new Error(`unknown option ${argument}`);
    else positional.push(argument);
  }
  if (positional.length < 2 || !idColumn) {
    throw new Error('usage: bench:match -- <records.csv> [<second.csv>] <truth_pairs.csv> --id <column> [--map file] [--ignore column...]');
  }
  return { recordFiles: positional.slice(0, -1), truthFile: positional.at(-1)!, idColumn, mapFile, hiddenColumns };
}

function readDefaultRules(): GlobalRuleFile {
  const file = path.join(__dirname, '..', 'rules', 'global.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as GlobalRuleFile;
}

interface MatchRun {
  /** pairs scored at or above autoLink */
  linkedPairs: Set<string>;
  /** pairs scored at or above review (auto-linked or sent to review) */
  reviewOrLinkedPairs: Set<string>;
  reviewPairs: number;
  candidatePairs: number;
  /** golden record -> record ids */
  clusters: Map<string, string[]>;
  provisionalGoldenRecords: number;
}

/** Records in file order, as onboarding would see them: auto-link joins the best golden record;
 * anything else becomes a new golden record (a review-band record too, provisionally, so that
 * later duplicates still find it). */
async function runMatcher(db: Db, records: LabelledRecord[], rules: GlobalRuleFile): Promise<MatchRun> {
  const { matching } = rules;
  const run: MatchRun = {
    linkedPairs: new Set(),
    reviewOrLinkedPairs: new Set(),
    reviewPairs: 0,
    candidatePairs: 0,
    clusters: new Map(),
    provisionalGoldenRecords: 0,
  };
  const benchIdBySourceRecord = new Map<string, string>();
  for (const { id, record: raw } of records) {
    const record = normaliseRecord(raw, rules.normalisation);
    const keys = matchKeys(record);
    const candidates = await findCandidateRecords(db, keys, matching, { limit: matching.maxCandidates });
    const scored = scoreCandidates(record, candidates, matching, await findTermFrequencies(db, keys, matching, candidates));
    run.candidatePairs += scored.length;
    for (const candidate of scored) {
      const pair = pairKey(id, benchIdBySourceRecord.get(candidate.sourceRecordId)!);
      if (candidate.score.band === 'autoLink') run.linkedPairs.add(pair);
      if (candidate.score.band !== 'distinct') run.reviewOrLinkedPairs.add(pair);
      if (candidate.score.band === 'review') run.reviewPairs++;
    }
    const best = bestPerGoldenRecord(scored)[0];
    const linked = best?.score.band === 'autoLink';
    if (best?.score.band === 'review') run.provisionalGoldenRecords++;
    const customerId = linked ? best.customerId : await insertGoldenRecord(db);
    const sourceRecordId = randomUUID();
    await db('source_records').insert({
      id: sourceRecordId,
      site_id: 'bench',
      source_system: 'bench',
      source_id: id,
      status: linked ? 'linked' : best?.score.band === 'review' ? 'pending_review' : 'linked',
      customer_id: customerId,
      raw: JSON.stringify(raw),
      raw_hash: createHash('sha256').update(JSON.stringify(raw)).digest('hex'),
      record: JSON.stringify(record),
      ...keys,
    });
    benchIdBySourceRecord.set(sourceRecordId, id);
    run.clusters.set(customerId, [...(run.clusters.get(customerId) ?? []), id]);
  }
  return run;
}

/** The least a customers row needs for source records to link to it. */
async function insertGoldenRecord(db: Db): Promise<string> {
  const [row] = await db('customers')
    .insert({ home_site_id: 'bench', record: '{}', provenance: '{}', rules_version: 'bench' })
    .returning('id');
  return (row as { id: string }).id;
}

function formatQuality(label: string, quality: PairwiseQuality): string {
  const cells = [
    label.padEnd(26),
    String(quality.predicted).padStart(9),
    String(quality.truePositives).padStart(7),
    String(quality.falsePositives).padStart(6),
    String(quality.falseNegatives).padStart(6),
    quality.precision.toFixed(4).padStart(9),
    quality.recall.toFixed(4).padStart(7),
    quality.f1.toFixed(4).padStart(7),
  ];
  return cells.join(' ');
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const rules = readDefaultRules();
  const mapping = { ...BUILT_IN_MAPPING, ...(args.mapFile ? readMappingFile(args.mapFile) : {}) };
  const { records, unmappedColumns } = readLabelledRecords(args.recordFiles, { idColumn: args.idColumn, hiddenColumns: args.hiddenColumns, mapping });
  const truth = readTruthPairs(args.truthFile);

  const database = await openBenchDatabase();
  const started = performance.now();
  let run: MatchRun;
  try {
    run = await runMatcher(database.db, records, rules);
  } finally {
    await database.close();
  }
  const seconds = (performance.now() - started) / 1000;

  const linked = pairwiseQuality(run.linkedPairs, truth);
  const clustered = pairwiseQuality(clusterPairs(run.clusters.values()), truth);
  const reviewRecall = pairwiseQuality(run.reviewOrLinkedPairs, truth).recall;
  const { thresholds, priorProbability } = rules.matching;
  console.log(`records ${records.length} from ${args.recordFiles.join(' + ')}; truth pairs ${truth.size}`);
  console.log(`hidden from the matcher: ${[args.idColumn, ...args.hiddenColumns].join(', ')}${unmappedColumns.length ? `; unmapped (also unseen): ${unmappedColumns.join(', ')}` : ''}`);
  console.log(`rules/global.json defaults: autoLink >= ${thresholds.autoLink}, review >= ${thresholds.review}, prior ${priorProbability}; ${database.description}`);
  console.log('');
  console.log(`${'pairs'.padEnd(26)} predicted      TP     FP     FN precision  recall      F1`);
  console.log(formatQuality('scored >= autoLink', linked));
  console.log(formatQuality('cluster-implied (closure)', clustered));
  console.log('');
  console.log(`candidate pairs scored ${run.candidatePairs}; pairs in the review band ${run.reviewPairs}; true pairs auto-linked or sent to review ${(reviewRecall * 100).toFixed(2)}%`);
  console.log(`golden records ${run.clusters.size}, of which ${run.provisionalGoldenRecords} provisional (their record's best match was in the review band, so it was kept apart until a steward decides)`);
  console.log(`matching took ${seconds.toFixed(1)} s (${((seconds * 1000) / records.length).toFixed(2)} ms per record)`);
  console.log(
    JSON.stringify({
      precision: round(linked.precision),
      recall: round(linked.recall),
      f1: round(linked.f1),
      review_recall: round(reviewRecall),
      review_pairs: run.reviewPairs,
      candidate_pairs: run.candidatePairs,
      records: records.length,
      seconds: Number(seconds.toFixed(1)),
    }),
  );
}

function round(value: number): number {
  return Number(value.toFixed(4));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
