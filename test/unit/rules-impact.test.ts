import { scorePair } from '../../core/matching/score';
import { matchingImpact, survivorshipImpact, type DecidingPair } from '../../core/rules/rule-impact';
import type { MatchingRules, SurvivorshipRules } from '../../core/rules/types';
import { globalRuleFile } from '../support/rule-files';

const matching: MatchingRules = globalRuleFile().matching;
const survivorship: SurvivorshipRules = globalRuleFile().survivorship;
const withThresholds = (autoLink: number, review: number): MatchingRules => ({ ...matching, thresholds: { autoLink, review } });

const marie = { givenName: 'Marie', familyName: 'Dupont', email: 'marie.dupont@example.fr', birthDate: '1984-03-12', country: 'FR' };
const pair = (sourceRecordId: string, status: string, matchedRecord: Record<string, string>, openReview = false): DecidingPair => ({
  sourceRecordId,
  status,
  record: marie,
  matchedRecord,
  openReview,
});

describe('matchingImpact', () => {
  // three pairs of known probability under the global comparisons: the same person (1 - 3e-10),
  // a near duplicate (0.99962, waiting for review) and someone else (5e-6)
  const same = pair('s1', 'linked', marie);
  const near = pair('s2', 'pending_review', { ...marie, email: 'm.dupont@example.org', birthDate: '1984-12-03' }, true);
  const other = pair('s3', 'linked', { givenName: 'Paul', familyName: 'Durand', email: 'paul@example.com', country: 'FR' });
  const pairs = [same, near, other];
  const current = withThresholds(0.9999, 0.5);

  it('sees the pairs in the bands the probabilities say', () => {
    expect(pairs.map((p) => scorePair(p.record, p.matchedRecord, current).band)).toEqual(['autoLink', 'review', 'distinct']);
  });

  it('a lower autoLink threshold links the near duplicate: its review task would go', () => {
    expect(matchingImpact(pairs, current, withThresholds(0.999, 0.5))).toEqual({
      pairs: 3,
      bandChanges: [{ from: 'review', to: 'autoLink', count: 1 }],
      linksChangingBand: 0,
      reviewTasks: { wouldAppear: 0, wouldGo: 1 },
    });
  });

  it('a higher autoLink and a far lower review threshold send two links to review', () => {
    expect(matchingImpact(pairs, current, withThresholds(0.9999999999, 0.000001))).toEqual({
      pairs: 3,
      bandChanges: [
        { from: 'autoLink', to: 'review', count: 1 },
        { from: 'distinct', to: 'review', count: 1 },
      ],
      linksChangingBand: 2,
      reviewTasks: { wouldAppear: 2, wouldGo: 0 },
    });
  });

  it('scores each pair with how common its values are, as onboarding did', () => {
    // "Marie Dupont" shared by most stored persons: the exact names weigh less
    const common = { withValue: 900, withAnyValue: 1000 };
    const crowded: DecidingPair = { ...same, frequencies: { givenName: common, familyName: common } };
    const alone = scorePair(same.record, same.matchedRecord, current).probability;
    const inCrowd = scorePair(crowded.record, crowded.matchedRecord, current, crowded.frequencies).probability;
    expect(inCrowd).toBeLessThan(alone);
    const between = withThresholds((alone + inCrowd) / 2, 0.5);
    expect(matchingImpact([same], current, between).bandChanges).toEqual([]);
    expect(matchingImpact([crowded], current, between).bandChanges).toEqual([{ from: 'autoLink', to: 'review', count: 1 }]);
  });

  it('finds nothing when no pair crosses a threshold', () => {
    expect(matchingImpact(pairs, current, withThresholds(0.99999, 0.4))).toEqual({
      pairs: 3,
      bandChanges: [],
      linksChangingBand: 0,
      reviewTasks: { wouldAppear: 0, wouldGo: 0 },
    });
  });
});

describe('survivorshipImpact', () => {
  const source = (id: string, sourceSystem: string, day: number, record: Record<string, string>) => ({
    sourceRecordId: id,
    siteId: 'fr-paris-hq',
    sourceSystem,
    receivedAt: new Date(Date.UTC(2026, 0, day)),
    record,
  });
  const golden = {
    customerId: 'c1',
    sources: [source('a', 'crm', 1, { familyName: 'Dupont', phone: '+33611111111' }), source('b', 'erp', 2, { familyName: 'Dupont', phone: '+33622222222' })],
  };
  const untouched = { customerId: 'c2', sources: [source('c', 'crm', 1, { familyName: 'Martin', phone: '+33633333333' })] };

  it('counts the golden records and the fields whose value would change', () => {
    const draft: SurvivorshipRules = { ...survivorship, fields: { ...survivorship.fields, phone: 'sourcePriority' }, sourcePriority: ['crm', 'erp'] };
    expect(survivorshipImpact([golden, untouched], survivorship, draft)).toEqual({ goldenRecords: 2, changing: 1, fieldChanges: { phone: 1 } });
  });

  it('finds nothing when the strategy picks the same values', () => {
    const draft: SurvivorshipRules = { ...survivorship, fields: { ...survivorship.fields, phone: 'sourcePriority' } };
    expect(survivorshipImpact([golden, untouched], survivorship, draft)).toEqual({ goldenRecords: 2, changing: 0, fieldChanges: {} });
  });
});
