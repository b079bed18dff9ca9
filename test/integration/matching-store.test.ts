import { randomUUID } from 'node:crypto';
import { findCandidateRecords, findTermFrequencies } from '../../activities/matching-store';
import { matchKeys } from '../../core/matching/keys';
import type { CustomerRecord } from '../../core/customer';
import type { MatchingRules } from '../../core/rules/types';
import { createTestDatabase, type TestDatabase } from '../support/servers';

const matching: MatchingRules = {
  blocking: [
    { name: 'email', fields: ['email'], method: 'exact' },
    { name: 'postcodeBirthDate', fields: ['postcode', 'birthDate'], method: 'exact' },
    { name: 'fullName', fields: ['fullName'], method: 'trigram', minSimilarity: 0.4 },
  ],
  comparisons: [],
  priorProbability: 0.01,
  thresholds: { autoLink: 0.95, review: 0.6 },
  maxCandidates: 50,
};

describe('findCandidateRecords', () => {
  let database: TestDatabase;
  const ids: Record<string, string> = {};

  async function storeSourceRecord(label: string, record: CustomerRecord, linked = true): Promise<void> {
    const { db } = database;
    const customerId = linked
      ? ((await db('customers').insert({ home_site_id: 'paris', record: '{}', provenance: '{}', rules_version: 'v1' }).returning('id'))[0] as { id: string }).id
      : null;
    ids[label] = randomUUID();
    await db('source_records').insert({
      id: ids[label],
      site_id: 'paris',
      source_system: 'crm',
      source_id: label,
      raw: JSON.stringify(record),
      raw_hash: label,
      record: JSON.stringify(record),
      customer_id: customerId,
      ...matchKeys(record),
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await storeSourceRecord('sameEmail', { givenName: 'Zoé', familyName: 'Arnaud', email: 'anne.durand@example.fr' });
    await storeSourceRecord('samePostcodeAndBirth', { givenName: 'Paul', familyName: 'Martin', postcode: '75011', birthDate: '1980-04-02' });
    await storeSourceRecord('similarName', { givenName: 'Anne', familyName: 'Durant' });
    await storeSourceRecord('unrelated', { givenName: 'Karl', familyName: 'Weber', email: 'k.weber@example.de', postcode: '80331' });
    await storeSourceRecord('unlinked', { givenName: 'Anne', familyName: 'Durand', email: 'anne.durand@example.fr' }, false);
  });
  afterAll(() => database.drop());

  const incoming: CustomerRecord = { givenName: 'Anne', familyName: 'Durand', email: 'anne.durand@example.fr', postcode: '75011', birthDate: '1980-04-02' };

  it('finds linked records on any blocking key, never unlinked ones', async () => {
    const candidates = await findCandidateRecords(database.db, matchKeys(incoming), matching, { limit: 10 });
    const found = candidates.map((candidate) => candidate.sourceRecordId).sort();
    expect(found).toEqual([ids.sameEmail, ids.samePostcodeAndBirth, ids.similarName].sort());
    expect(candidates.find((candidate) => candidate.sourceRecordId === ids.sameEmail)?.record).toMatchObject({ familyName: 'Arnaud' });
    expect(candidates.every((candidate) => typeof candidate.customerId === 'string')).toBe(true);
  });

  it('puts records hit by more keys first and honours the limit', async () => {
    await storeSourceRecord('twoKeys', { givenName: 'Anne', familyName: 'Durand', email: 'anne.durand@example.fr' });
    const candidates = await findCandidateRecords(database.db, matchKeys(incoming), matching, { limit: 1 });
    expect(candidates.map((candidate) => candidate.sourceRecordId)).toEqual([ids.twoKeys]);
  });

  it('leaves out the record itself and keys the incoming record does not have', async () => {
    const candidates = await findCandidateRecords(database.db, matchKeys({ email: 'anne.durand@example.fr' }), matching, {
      limit: 10,
      excludeSourceRecordId: ids.twoKeys,
    });
    expect(candidates.map((candidate) => candidate.sourceRecordId)).toEqual([ids.sameEmail]);
  });

  it('finds nothing without a usable key', async () => {
    expect(await findCandidateRecords(database.db, matchKeys({ city: 'Lyon' }), matching, { limit: 10 })).toEqual([]);
  });
});

describe('findTermFrequencies', () => {
  let database: TestDatabase;

  async function storePerson(records: CustomerRecord[], linked = true): Promise<void> {
    const { db } = database;
    const customerId = linked
      ? ((await db('customers').insert({ home_site_id: 'paris', record: '{}', provenance: '{}', rules_version: 'v1' }).returning('id'))[0] as { id: string }).id
      : null;
    for (const record of records) {
      const id = randomUUID();
      await db('source_records').insert({
        id,
        site_id: 'paris',
        source_system: 'crm',
        source_id: id,
        raw: '{}',
        raw_hash: id,
        record: JSON.stringify(record),
        customer_id: customerId,
        ...matchKeys(record),
      });
    }
  }

  const frequencyRules: MatchingRules = {
    ...matching,
    comparisons: [
      { field: 'familyName', comparator: 'name', levels: { exact: { m: 0.8, u: 0.003 } }, termFrequency: true },
      { field: 'givenName', comparator: 'name', levels: { exact: { m: 0.8, u: 0.01 } } },
      { field: 'city', comparator: 'exact', levels: { exact: { m: 0.8, u: 0.02 } }, termFrequency: true },
    ],
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    // one person sent twice counts once; an unlinked record and a record without the field do not count
    await storePerson([{ givenName: 'Anne', familyName: 'Durand' }, { givenName: 'Anne', familyName: 'DURAND' }]);
    await storePerson([{ givenName: 'Marc', familyName: 'Durand' }]);
    await storePerson([{ givenName: 'Paul', familyName: 'Martin' }]);
    await storePerson([{ givenName: 'Zoé' }]);
    await storePerson([{ familyName: 'Durand' }], false);
  });
  afterAll(() => database.drop());

  it('counts the persons sharing the incoming value and those with any value, for the adjusted fields only', async () => {
    const frequencies = await findTermFrequencies(database.db, matchKeys({ givenName: 'Anne', familyName: 'Durand' }), frequencyRules);
    expect(frequencies).toEqual({ familyName: { withValue: 2, withAnyValue: 3 } });
  });

  it('counts zero for a value nobody has', async () => {
    const frequencies = await findTermFrequencies(database.db, matchKeys({ familyName: 'Zwirner' }), frequencyRules);
    expect(frequencies).toEqual({ familyName: { withValue: 0, withAnyValue: 3 } });
  });
});

describe('phonetic blocking', () => {
  let database: TestDatabase;
  const ids: Record<string, string> = {};
  const phonetic: MatchingRules = { ...matching, blocking: [{ name: 'familyNameSoundsBirthYear', fields: ['familyName', 'birthDate'], method: 'phonetic' }] };

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    for (const [label, record] of Object.entries({
      soundsAlikeSameYear: { givenName: 'Ana', familyName: 'Dyrand', birthDate: '1980-11-30' },
      soundsAlikeOtherYear: { givenName: 'Anne', familyName: 'Durand', birthDate: '1981-04-02' },
      soundsOtherSameYear: { givenName: 'Anne', familyName: 'Weber', birthDate: '1980-04-02' },
    } satisfies Record<string, CustomerRecord>)) {
      const [customer] = (await db('customers').insert({ home_site_id: 'paris', record: '{}', provenance: '{}', rules_version: 'v1' }).returning('id')) as { id: string }[];
      ids[label] = randomUUID();
      await db('source_records').insert({
        id: ids[label],
        site_id: 'paris',
        source_system: 'crm',
        source_id: label,
        raw: '{}',
        raw_hash: label,
        record: JSON.stringify(record),
        customer_id: customer!.id,
        ...matchKeys(record),
      });
    }
  });
  afterAll(() => database.drop());

  it('finds a family name that sounds alike with the same birth year', async () => {
    const candidates = await findCandidateRecords(database.db, matchKeys({ familyName: 'Durand', birthDate: '1980-04-02' }), phonetic, { limit: 10 });
    expect(candidates.map((candidate) => candidate.sourceRecordId)).toEqual([ids.soundsAlikeSameYear]);
  });
});
