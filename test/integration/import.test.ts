import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runImport } from '../../bin/import';
import { recordRowOutcome } from '../../store/imports';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';

// a clean record, its duplicate (linked), a row without the required given name (rejected), and
// a second clean record with a quoted comma; columns in camelCase and snake_case
const CUSTOMERS_CSV = [
  'source_id,given_name,familyName,birth_date,email,phone,postcode,city,country',
  'C-1,Marie-Hélène,Dupont,1984-03-12,Marie.Dupont@Example.fr,06 12 34 56 78,75002,Paris,FR',
  'C-2,Marie-Hélène,Dupont,1984-03-12,marie.dupont@example.fr,+33 6 12 34 56 78,75002,Paris,FR',
  'C-3,,Martin,,,,,,FR',
  'C-4,Jean,"Durand, fils",1970-01-01,jean.durand@example.com,,69001,Lyon,FR',
  '',
].join('\r\n');

describe('bulk import of a CSV file, over HTTP, Temporal and Postgres', () => {
  let platform: TestPlatform;
  let parisSystem: string;
  let lyonSteward: string;
  let csvFile: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    parisSystem = await platform.tokenFor(['integration'], [PARIS]);
    lyonSteward = await platform.tokenFor(['steward'], ['fr-lyon-store']);
    csvFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'import-test-')), 'customers.csv');
    fs.writeFileSync(csvFile, CUSTOMERS_CSV);
  });
  afterAll(async () => {
    fs.rmSync(path.dirname(csvFile), { recursive: true, force: true });
    await platform.stop();
  });

  const upload = (csv: string, query = 'sourceSystem=crm') =>
    call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/imports?${query}`, { token: parisSystem, rawBody: csv, contentType: 'text/csv' });
  const progressOf = (importId: string, token = parisSystem) => call(platform.baseUrl, 'GET', `/api/imports/${importId}`, { token });
  const count = async (table: string) => Number((await platform.database.db(table).count('* as n'))[0].n);

  async function finished(importId: string): Promise<any> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { body } = await progressOf(importId);
      if (body.status === 'completed' || body.status === 'failed') return body;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`import ${importId} did not finish`);
  }

  let importId: string;

  it('stages the file, onboards every row and counts the outcomes', async () => {
    const started = await upload(CUSTOMERS_CSV);
    expect(started.status).toBe(202);
    importId = started.body.importId;
    expect(started.body).toEqual({ importId, workflowId: `import:${importId}`, status: 'running', totalRows: 4 });

    const done = await finished(importId);
    expect(done).toMatchObject({
      status: 'completed',
      siteId: PARIS,
      sourceSystem: 'crm',
      totalRows: 4,
      processedRows: 4,
      counts: { created: 2, linked: 1, review: 0, rejected: 1, unchanged: 0 },
    });
    expect(done.finishedAt).toEqual(expect.any(String));
    expect(await count('customers')).toBe(2);
    const lineage = await platform.database.db('change_log').where({ actor: `import:${importId}`, action: 'received' });
    expect(lineage).toHaveLength(4);
  });

  it('lists the rejected rows as CSV, with the line and no personal values', async () => {
    const response = await fetch(`${platform.baseUrl}/api/imports/${importId}/rejections.csv`, { headers: { authorization: `Bearer ${parisSystem}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe('line,source_id,field,rule,expected');
    // one line per problem: Paris requires an email besides the company-wide required fields
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^4,C-3,givenName,required,/), expect.stringMatching(/^4,C-3,email,required,/)]);
    expect(lines.join('\n')).not.toContain('Martin');
  });

  it('shows an import only to users of its site', async () => {
    expect((await progressOf(importId, lyonSteward)).status).toBe(404);
    expect((await progressOf('not-a-uuid')).status).toBe(404);
    const otherSite = await call(platform.baseUrl, 'POST', '/api/sites/fr-lyon-store/imports?sourceSystem=crm', {
      token: parisSystem,
      rawBody: CUSTOMERS_CSV,
      contentType: 'text/csv',
    });
    expect(otherSite.status).toBe(403);
  });

  it('counts a row once when its outcome is stored again', async () => {
    await recordRowOutcome(platform.database.db, importId, 2, 'created', null);
    expect((await progressOf(importId)).body).toMatchObject({ processedRows: 4, counts: { created: 2 } });
  });

  it('changes nothing when the same file is imported again through the command line', async () => {
    const printed: string[] = [];
    const bars: string[] = [];
    const result = await runImport(['--site', PARIS, '--source-system', 'crm', '--url', platform.baseUrl, csvFile], {
      env: { STEWARDSHIP_TOKEN: parisSystem },
      print: (line) => printed.push(line),
      progress: (line) => bars.push(line),
      pollIntervalMs: 100,
    });
    expect(result.status).toBe('completed');
    expect(bars.at(-1)).toBe('[####################] 4/4 created 0 linked 0 review 0 rejected 0 unchanged 4');
    expect(printed.at(-1)).toBe(`import ${result.importId} completed: 4/4 rows, created 0 linked 0 review 0 rejected 0 unchanged 4`);
    expect(await count('customers')).toBe(2);
  });

  it('says what is wrong with the command line or the upload', async () => {
    const io = { env: {}, print: () => undefined, progress: () => undefined };
    await expect(runImport([csvFile], io)).rejects.toThrow(/--site is required/);
    await expect(runImport(['--site', PARIS, '--url', platform.baseUrl, csvFile], io)).rejects.toThrow(/no API token/);
    await expect(runImport(['--site', 'fr-lyon-store', '--url', platform.baseUrl, '--token', parisSystem, csvFile], io)).rejects.toThrow(
      'the API answered 403: you may not act on site "fr-lyon-store"',
    );
  });

  it('rejects a row whose source id came before with other content', async () => {
    const changed = await upload('source_id,givenName,familyName,country\nC-4,Jean,Durand,FR\n');
    const done = await finished(changed.body.importId);
    expect(done.counts).toMatchObject({ rejected: 1, created: 0 });
    const rejections = await (await fetch(`${platform.baseUrl}/api/imports/${done.importId}/rejections.csv`, { headers: { authorization: `Bearer ${parisSystem}` } })).text();
    expect(rejections).toContain('2,C-4,source_id,changed_content,');
  });

  it.each([
    ['an unclosed quote', 'source_id,givenName,familyName,country\nX-1,Ann,Lee,FR\nX-2,"Bob,Lee,FR\nX-3,Cy,Lee,FR\n', 3, /quoted value is never closed/],
    ['a row with too many values', 'source_id,givenName,familyName,country\nX-1,Ann,Lee,FR\nX-2,Bob,Lee,FR,extra\n', 3, /different number of values/],
    ['an unknown column', 'source_id,givenName,shoeSize\nX-1,Ann,42\n', 1, /unknown column\(s\) "shoeSize"/],
    ['no source_id column', 'givenName,familyName\nAnn,Lee\n', 1, /no source_id column/],
    ['a source id twice', 'source_id,givenName\nX-1,Ann\nX-2,Bob\nX-1,Cy\n', 4, /repeats the one of line 2/],
    ['an empty source id', 'source_id,givenName\nX-1,Ann\n ,Bob\n', 3, /source_id is empty/],
  ])('refuses a file with %s, naming the line, and stores nothing', async (_case, csv, line, message) => {
    const [imports, rows] = [await count('imports'), await count('import_rows')];
    const response = await upload(csv);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(new RegExp(`^the CSV file is malformed at line ${line}: `));
    expect(response.body.error.message).toMatch(message);
    expect(response.body.error.details).toEqual({ line });
    expect([await count('imports'), await count('import_rows')]).toEqual([imports, rows]);
  });

  it('asks for the source system and a CSV body', async () => {
    expect((await upload(CUSTOMERS_CSV, '')).body.error.message).toMatch(/sourceSystem is required/);
    const json = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/imports?sourceSystem=crm`, { token: parisSystem, body: { rows: [] } });
    expect(json.status).toBe(415);
  });
});
