import { scorePair } from '../../core/matching/score';
import { PERSONS_BEHIND_RULE_U, termFrequencyU } from '../../core/matching/term-frequency';
import type { MatchingRules } from '../../core/rules/types';

const matching: MatchingRules = {
  blocking: [{ name: 'email', fields: ['email'], method: 'exact' }],
  comparisons: [
    {
      field: 'familyName',
      comparator: 'name',
      levels: { exact: { m: 0.8, u: 0.001 }, close: { m: 0.1, u: 0.002 }, different: { m: 0.1, u: 0.997 } },
      termFrequency: true,
    },
    { field: 'city', comparator: 'exact', levels: { exact: { m: 0.8, u: 0.01 }, different: { m: 0.2, u: 0.99 } } },
  ],
  priorProbability: 0.01,
  thresholds: { autoLink: 0.95, review: 0.6 },
  maxCandidates: 10,
};

describe('termFrequencyU', () => {
  it('keeps the rule u when nothing is stored or the value is rare', () => {
    expect(termFrequencyU(0.001, undefined)).toBe(0.001);
    expect(termFrequencyU(0.001, { withValue: 0, withAnyValue: 0 })).toBe(0.001);
    expect(termFrequencyU(0.001, { withValue: 1, withAnyValue: 1_000_000 })).toBe(0.001);
  });

  it('becomes the observed frequency of a common value in a large store', () => {
    expect(termFrequencyU(0.001, { withValue: 20_000, withAnyValue: 1_000_000 })).toBeCloseTo(0.02, 3);
  });

  it('barely moves while the store is small next to the persons the rule u stands for', () => {
    const u = termFrequencyU(0.001, { withValue: 3, withAnyValue: 10 });
    expect(u).toBeCloseTo((3 + 0.001 * PERSONS_BEHIND_RULE_U) / (10 + PERSONS_BEHIND_RULE_U), 10);
    expect(u).toBeLessThan(0.005);
  });
});

describe('scorePair with term frequencies', () => {
  const smith = { familyName: 'Smith', city: 'London' };

  it('weighs an exact agreement on a common name less than on a rare one', () => {
    const rare = scorePair(smith, smith, matching, { familyName: { withValue: 1, withAnyValue: 100_000 } });
    const common = scorePair(smith, smith, matching, { familyName: { withValue: 1_000, withAnyValue: 100_000 } });
    expect(rare.fields[0]!.weight).toBeCloseTo(Math.log2(0.8 / 0.001), 10);
    expect(common.fields[0]!.weight).toBeLessThan(rare.fields[0]!.weight - 3);
    expect(common.probability).toBeLessThan(rare.probability);
  });

  it('leaves other levels and fields without termFrequency as the rule says', () => {
    const frequencies = { familyName: { withValue: 1_000, withAnyValue: 100_000 }, city: { withValue: 50_000, withAnyValue: 100_000 } };
    const score = scorePair({ familyName: 'Smith', city: 'London' }, { familyName: 'Smithe', city: 'London' }, matching, frequencies);
    expect(score.fields[0]).toMatchObject({ level: 'close', weight: Math.log2(0.1 / 0.002) });
    expect(score.fields[1]).toMatchObject({ level: 'exact', weight: Math.log2(0.8 / 0.01) });
  });
});
