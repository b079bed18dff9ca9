import { EMAIL } from '../../core/records/validate';
import type { AuditCheck } from '../../core/audits/types';
import { checkSql, type CheckContext } from '../../store/audit-check-sql';
import { sql } from '../../store/sql-fragment';
import { createTestDatabase, type TestDatabase } from '../support/servers';

const CONTEXT: CheckContext = {
  asOf: new Date('2026-02-28T12:00:00Z'),
  fields: { required: [], patterns: {}, birthDate: { minAgeYears: 16, maxAgeYears: 120 } },
  defaultCountry: 'FR',
};

const validity = (field: 'email' | 'phone' | 'birthDate'): AuditCheck => ({ id: `validity-${field}`, type: 'validity', description: field, fields: [field], threshold: 1, severity: 'low' });

describe('validity checks in SQL, at the edges of their formats', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  /** The reason the check gives for each value (null: passes). */
  async function reasons(field: 'email' | 'phone' | 'birthDate', values: string[]): Promise<Array<string | null>> {
    const check = checkSql(validity(field), CONTEXT);
    const statement = sql`SELECT ${check.reason} AS reason FROM unnest(${values}::text[]) WITH ORDINALITY AS sr(${{ text: `"${field}"`, values: [] }}, n) ORDER BY n`;
    const { rows } = await database.db.raw(statement.text, statement.values as never[]);
    return rows.map((row: { reason: string | null }) => row.reason);
  }

  it('reads emails exactly as onboarding does, long domains included', async () => {
    const emails = ['ann@example.fr', 'ann@example', 'ann lee@example.fr', 'ann@-example.fr', `ann@${'x'.repeat(63)}.example.fr`, `ann@${'x'.repeat(64)}.example.fr`];
    const found = await reasons('email', emails);
    expect(found.map((reason) => reason === null)).toEqual(emails.map((email) => EMAIL.test(email)));
    expect(found.filter((reason) => reason !== null)).toHaveLength(4);
  });

  it('takes a + and 7 to 15 digits for E.164', async () => {
    expect(await reasons('phone', ['+33612345678', '+1234567', '+123456', '+123456789012345', '+1234567890123456', '+0612345678', '0612345678'])).toEqual([
      null,
      null,
      'phone: not in E.164 form',
      null,
      'phone: not in E.164 form',
      'phone: not in E.164 form',
      'phone: not in E.164 form',
    ]);
  });

  it('takes real dates for an age within the rules on the run\'s day, leap days included', async () => {
    const notReal = 'birthDate: not a real date';
    const implausible = 'birthDate: not a plausible age';
    expect(await reasons('birthDate', ['2000-02-29', '1900-02-29', '2023-04-31', '2023-13-01', '2010-02-28', '2010-03-01', '1905-03-01', '1905-02-28', '12/03/1984'])).toEqual([
      null,
      notReal,
      notReal,
      notReal,
      null,
      implausible,
      null,
      implausible,
      notReal,
    ]);
  });
});
