import fs from 'node:fs';
import { parse } from 'csv-parse/sync';

/** A record pair as one string, the same whichever way round it is given. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/** The truth file's pairs (id_l,id_r). Its ordering rule is not relied on, so two-file linkage
 * truth (first file left, second right) reads the same way. */
export function readTruthPairs(path: string): Set<string> {
  const rows = parse(fs.readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  if (rows.length > 0 && (!('id_l' in rows[0]!) || !('id_r' in rows[0]!))) {
    throw new Error(`${path}: expected the header id_l,id_r`);
  }
  return new Set(rows.map((row) => pairKey(row.id_l!, row.id_r!)));
}

export interface PairwiseQuality {
  predicted: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Precision, recall and F1 over all true pairs: a true pair never predicted is a false negative. */
export function pairwiseQuality(predicted: Set<string>, truth: Set<string>): PairwiseQuality {
  let truePositives = 0;
  for (const pair of predicted) if (truth.has(pair)) truePositives++;
  const precision = predicted.size === 0 ? 1 : truePositives / predicted.size;
  const recall = truth.size === 0 ? 1 : truePositives / truth.size;
  return {
    predicted: predicted.size,
    truePositives,
    falsePositives: predicted.size - truePositives,
    falseNegatives: truth.size - truePositives,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

/** Every pair inside each cluster: the pairs a clustering implies by transitive closure. */
export function clusterPairs(clusters: Iterable<string[]>): Set<string> {
  const pairs = new Set<string>();
  for (const members of clusters) {
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) pairs.add(pairKey(members[i]!, members[j]!));
    }
  }
  return pairs;
}
