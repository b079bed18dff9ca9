import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call, RULES_DIR, startTestPlatform, type TestPlatform } from '../support/platform';
import { waitForMail } from '../support/outbox';
import { erasureRequestPast } from '../support/erasure';
import { onboarded } from '../support/retention';

const PARIS = 'fr-paris-hq';

/** The demo rules with erasure reminders after two seconds and escalation after four. */
function rulesWithFastErasureSteps(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erasure-rules-'));
  fs.cpSync(RULES_DIR, dir, { recursive: true });
  const globalFile = path.join(dir, 'global.json');
  const global = JSON.parse(fs.readFileSync(globalFile, 'utf8'));
  global.retention.erasure = { ...global.retention.erasure, remindAfter: 'PT2S', escalateAfter: 'PT4S' };
  fs.writeFileSync(globalFile, JSON.stringify(global, null, 2));
  return dir;
}

describe('erasure deadlines and holds placed after filing', () => {
  let platform: TestPlatform;
  let rulesDir: string;
  let officer: string;
  let system: string;

  beforeAll(async () => {
    rulesDir = rulesWithFastErasureSteps();
    platform = await startTestPlatform({ rulesDir });
    officer = await platform.tokenFor(['compliance'], [PARIS], 'officer@paris.example');
    system = await platform.tokenFor(['integration'], [PARIS]);
  });
  afterAll(async () => {
    await platform.stop();
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  it('reminds the compliance officers, then escalates to the back-ups too, while nobody decides', async () => {
    const customerId = await onboarded(platform, system, PARIS, 'crm', 'D-1', { givenName: 'Delphine', familyName: 'Délai', email: 'delphine@example.fr', country: 'FR' });
    const filed = await call(platform.baseUrl, 'POST', '/api/erasure-requests', { token: officer, body: { customerId, requester: 'privacy@group.example', reason: 'art. 17' } });
    expect(filed.status).toBe(201);
    const { db } = platform.database;
    await waitForMail(db, 'dpo@group.example', /^Reminder: erasure request/);
    const [escalation] = await waitForMail(db, 'data-office@group.example', /^Escalated: erasure request/);
    expect(escalation.text).toContain(filed.body.id);
    expect(await waitForMail(db, 'dpo@group.example', /erasure request/i, 3)).toHaveLength(3);
    const tasks = await db('tasks').where({ type: 'erasure_approval', workflow_id: `erasure:${filed.body.id}` });
    expect(tasks.map((task) => task.due_at.toISOString())).toEqual([new Date(filed.body.deadlineAt).toISOString()]);
  });

  it('refuses at approval a customer put under legal hold after filing, saying why', async () => {
    const customerId = await onboarded(platform, system, PARIS, 'crm', 'D-2', { givenName: 'Hugues', familyName: 'Tardif', email: 'hugues@example.fr', country: 'FR' });
    const filed = await call(platform.baseUrl, 'POST', '/api/erasure-requests', { token: officer, body: { customerId, requester: 'privacy@group.example', reason: 'art. 17' } });
    await call(platform.baseUrl, 'POST', '/api/legal-holds', { token: officer, body: { customerId, reason: 'court order', reference: 'COURT-7' } });
    const approved = await call(platform.baseUrl, 'POST', `/api/erasure-requests/${filed.body.id}/decision`, { token: officer, body: { decision: 'approve', reason: 'ok' } });
    expect(approved.status).toBe(200);
    const done = await erasureRequestPast(platform, officer, filed.body.id, 'approved');
    expect(done).toMatchObject({ status: 'refused', refusalReason: expect.stringMatching(/legal hold COURT-7/) });
    const [mail] = await waitForMail(platform.database.db, 'privacy@group.example', /cannot be carried out/);
    expect(mail.text).toMatch(/COURT-7/);
    expect(await platform.database.db('customers').where({ id: customerId })).toHaveLength(1);
  });
});
