import type { CustomerRecord } from '../../core/customer';
import type { SurvivorshipRules } from '../../core/rules/types';
import { computeGoldenRecord, type SurvivorSource } from '../../core/survivorship';

function source(sourceRecordId: string, receivedAt: string, record: CustomerRecord, siteId = 'fr-paris-hq', sourceSystem = 'crm'): SurvivorSource {
  return { sourceRecordId, siteId, sourceSystem, receivedAt: new Date(receivedAt), record };
}

const rules: SurvivorshipRules = {
  default: 'mostRecent',
  fields: {},
  sitePriority: ['de-munich-plant', 'fr-paris-hq'],
  sourcePriority: ['erp', 'crm'],
};

describe('computeGoldenRecord', () => {
  it('takes the most recent non-empty value by default and says where each value came from', () => {
    const golden = computeGoldenRecord(
      [
        source('s1', '2026-01-01', { familyName: 'Durand', email: 'old@example.com', city: 'Paris' }),
        source('s2', '2026-03-01', { familyName: 'Durand-Leroy', email: '  ' }),
      ],
      rules,
    );
    expect(golden.record).toEqual({ familyName: 'Durand-Leroy', email: 'old@example.com', city: 'Paris' });
    expect(golden.provenance).toEqual({
      familyName: { sourceRecordId: 's2', strategy: 'mostRecent' },
      email: { sourceRecordId: 's1', strategy: 'mostRecent' },
      city: { sourceRecordId: 's1', strategy: 'mostRecent' },
    });
  });

  it('mostComplete takes the most informative value, not the one with most punctuation', () => {
    const golden = computeGoldenRecord(
      [
        source('s1', '2026-01-01', { givenName: 'Jean-Pierre' }),
        source('s2', '2026-03-01', { givenName: 'J.-P.' }),
        source('s3', '2026-02-01', { givenName: 'Jean P.' }),
      ],
      { ...rules, fields: { givenName: 'mostComplete' } },
    );
    expect(golden.record.givenName).toBe('Jean-Pierre');
  });

  it('mostFrequent takes the value most sources agree on, ignoring case and spacing', () => {
    const golden = computeGoldenRecord(
      [
        source('s1', '2026-01-01', { familyName: 'Durand' }),
        source('s2', '2026-02-01', { familyName: 'DURAND ' }),
        source('s3', '2026-03-01', { familyName: 'Durant' }),
      ],
      { ...rules, fields: { familyName: 'mostFrequent' } },
    );
    // the most recent of the agreeing values
    expect(golden.record.familyName).toBe('DURAND ');
    expect(golden.provenance.familyName).toEqual({ sourceRecordId: 's2', strategy: 'mostFrequent' });
  });

  it('sitePriority prefers trusted sites and puts unknown sites last', () => {
    const sources = [
      source('s1', '2026-01-01', { street: '1 Marienplatz' }, 'de-munich-plant'),
      source('s2', '2026-03-01', { street: '2 rue de Rivoli' }, 'fr-paris-hq'),
      source('s3', '2026-04-01', { street: '3 quai Perrache' }, 'fr-lyon-store'),
    ];
    const golden = computeGoldenRecord(sources, { ...rules, default: 'sitePriority' });
    expect(golden.record.street).toBe('1 Marienplatz');
    expect(computeGoldenRecord(sources.slice(1), { ...rules, default: 'sitePriority' }).record.street).toBe('2 rue de Rivoli');
  });

  it('sourcePriority prefers trusted source systems, falling back to the most recent among equals', () => {
    const golden = computeGoldenRecord(
      [
        source('s1', '2026-01-01', { phone: '+33142685300' }, 'fr-paris-hq', 'erp'),
        source('s2', '2026-02-01', { phone: '+33142685301' }, 'fr-paris-hq', 'erp'),
        source('s3', '2026-03-01', { phone: '+33142685302' }, 'fr-paris-hq', 'pos'),
      ],
      { ...rules, fields: { phone: 'sourcePriority' } },
    );
    expect(golden.record.phone).toBe('+33142685301');
  });

  it('skips empty values whatever the strategy', () => {
    const golden = computeGoldenRecord(
      [source('s1', '2026-01-01', { city: 'Lyon' }, 'fr-paris-hq'), source('s2', '2026-02-01', { city: '' }, 'de-munich-plant')],
      { ...rules, default: 'sitePriority' },
    );
    expect(golden.record.city).toBe('Lyon');
  });

  it('is deterministic: ties break on the source record id whatever the input order', () => {
    const sources = [
      source('b', '2026-01-01', { city: 'Lyon' }),
      source('a', '2026-01-01', { city: 'Paris' }),
      source('c', '2026-01-01', { city: 'Munich' }),
    ];
    const forward = computeGoldenRecord(sources, rules);
    const backward = computeGoldenRecord([...sources].reverse(), rules);
    expect(forward).toEqual(backward);
    expect(forward.record.city).toBe('Paris');
  });

  it('gives an empty golden record for no sources', () => {
    expect(computeGoldenRecord([], rules)).toEqual({ record: {}, provenance: {} });
  });
});
