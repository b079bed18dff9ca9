import { matchProbability, rankCandidates, scorePair } from '../../core/matching/score';
import type { MatchingRules } from '../../core/rules/types';

const matching: MatchingRules = {
  blocking: [{ name: 'email', fields: ['email'], method: 'exact' }],
  comparisons: [
    {
      field: 'familyName',
      comparator: 'name',
      levels: { exact: { m: 0.8, u: 0.01 }, close: { m: 0.1, u: 0.02 }, different: { m: 0.1, u: 0.97 } },
    },
    {
      field: 'birthDate',
      comparator: 'date',
      levels: { exact: { m: 0.9, u: 0.001 }, different: { m: 0.1, u: 0.999 } },
    },
  ],
  priorProbability: 0.01,
  thresholds: { autoLink: 0.95, review: 0.6 },
  maxCandidates: 10,
};

describe('scorePair', () => {
  it('adds log2(m/u) per field and explains each field without its values', () => {
    const score = scorePair({ familyName: 'Durand', birthDate: '1980-01-02' }, { familyName: 'durand', birthDate: '1980-01-02' }, matching);
    expect(score.weight).toBeCloseTo(Math.log2(80) + Math.log2(900), 10);
    expect(score.fields).toEqual([
      { field: 'familyName', comparator: 'name', level: 'exact', weight: Math.log2(80) },
      { field: 'birthDate', comparator: 'date', level: 'exact', weight: Math.log2(900) },
    ]);
    expect(score.band).toBe('autoLink');
    expect(JSON.stringify(score)).not.toMatch(/durand|1980/i);
  });

  it('weighs a missing value 0', () => {
    const score = scorePair({ familyName: 'Durand' }, { familyName: 'Durand', birthDate: '1980-01-02' }, matching);
    expect(score.fields[1]).toMatchObject({ level: 'missing', weight: 0 });
  });

  it('counts an unlisted level as the next weaker listed one', () => {
    // "oneComponent" and "sameYear" are not listed: the date counts as different
    const score = scorePair({ birthDate: '1980-01-02' }, { birthDate: '1980-01-03' }, matching);
    expect(score.fields[1]).toMatchObject({ level: 'different', weight: Math.log2(0.1 / 0.999) });
  });

  it('bands by the probability', () => {
    expect(scorePair({ familyName: 'Durand' }, { familyName: 'Durand' }, matching).band).toBe('distinct');
    expect(scorePair({ birthDate: '1980-01-02' }, { familyName: 'Durand', birthDate: '1980-01-02' }, matching).band).toBe('review');
    expect(scorePair({ familyName: 'Durand', birthDate: '1980-01-02' }, { familyName: 'Durant', birthDate: '1980-01-02' }, matching).band).toBe(
      'autoLink',
    );
  });
});

describe('matchProbability', () => {
  it('is the prior at weight 0 and one half when the weight cancels the prior odds', () => {
    expect(matchProbability(0, 0.01)).toBeCloseTo(0.01, 10);
    expect(matchProbability(Math.log2(99), 0.01)).toBeCloseTo(0.5, 10);
  });
});

describe('rankCandidates', () => {
  it('keeps the best source record per golden record, best first', () => {
    const record = { familyName: 'Durand', birthDate: '1980-01-02' };
    const ranked = rankCandidates(
      record,
      [
        { sourceRecordId: 's1', customerId: 'c1', record: { familyName: 'Durand' } },
        { sourceRecordId: 's2', customerId: 'c1', record: { familyName: 'Durand', birthDate: '1980-01-02' } },
        { sourceRecordId: 's3', customerId: 'c2', record: { familyName: 'Martin', birthDate: '1980-01-02' } },
      ],
      matching,
    );
    expect(ranked.map((candidate) => [candidate.customerId, candidate.sourceRecordId])).toEqual([
      ['c1', 's2'],
      ['c2', 's3'],
    ]);
  });
});
