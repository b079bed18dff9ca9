import { MATCH_ROUNDS, runOnboarding, type BestCandidate, type OnboardingSteps } from '../../core/onboarding';

/** Steps that record their calls; matching answers from a script, creation refuses while told to. */
function scriptedSteps(options: { matches: (BestCandidate | undefined)[]; refuseCreations: number }) {
  const calls: string[] = [];
  let refusals = options.refuseCreations;
  let round = 0;
  const steps: OnboardingSteps = {
    prepareSourceRecord: async () => {
      calls.push('prepare');
      return { state: 'valid', rulesVersion: 'v1' };
    },
    matchSourceRecord: async () => {
      calls.push('match');
      return { best: options.matches[round++], candidates: 0 };
    },
    linkSourceRecord: async ({ sourceRecordId, customerId, probability }) => {
      calls.push('link');
      return { outcome: 'linked', sourceRecordId, customerId, probability, rulesVersion: 'v1' };
    },
    openDuplicateReview: async ({ sourceRecordId, customerId, probability }) => {
      calls.push('review');
      return { outcome: 'review', sourceRecordId, taskId: 't1', candidateCustomerId: customerId, probability, rulesVersion: 'v1' };
    },
    createGoldenRecord: async ({ sourceRecordId, recheck }) => {
      calls.push(`create(recheck=${recheck})`);
      if (recheck && refusals-- > 0) return { outcome: 'matchChanged' };
      return { outcome: 'created', sourceRecordId, customerId: 'c-new', rulesVersion: 'v1' };
    },
  };
  return { steps, calls };
}

const twin: BestCandidate = { customerId: 'c-twin', evaluationId: 'e1', probability: 0.99, band: 'autoLink' };

describe('the onboarding sequence', () => {
  it('creates a golden record when nothing matches', async () => {
    const { steps, calls } = scriptedSteps({ matches: [], refuseCreations: 0 });
    expect(await runOnboarding(steps, 's1', 'test')).toMatchObject({ outcome: 'created', customerId: 'c-new' });
    expect(calls).toEqual(['prepare', 'match', 'create(recheck=true)']);
  });

  it('matches again when a twin was created meanwhile, and links to it', async () => {
    const { steps, calls } = scriptedSteps({ matches: [undefined, twin], refuseCreations: 1 });
    expect(await runOnboarding(steps, 's1', 'test')).toMatchObject({ outcome: 'linked', customerId: 'c-twin' });
    expect(calls).toEqual(['prepare', 'match', 'create(recheck=true)', 'match', 'link']);
  });

  it('creates without a recheck in the last round, so it always ends', async () => {
    const { steps, calls } = scriptedSteps({ matches: [], refuseCreations: 99 });
    expect(await runOnboarding(steps, 's1', 'test')).toMatchObject({ outcome: 'created' });
    expect(calls.filter((call) => call === 'match')).toHaveLength(MATCH_ROUNDS);
    expect(calls.at(-1)).toBe('create(recheck=false)');
  });
});
