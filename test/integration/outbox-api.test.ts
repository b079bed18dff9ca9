import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { authenticate } from '../../api/auth';
import { errorHandler, unknownRoute } from '../../api/errors';
import { outboxPageRoutes, outboxRoutes } from '../../api/routes/outbox';
import type { Db } from '../../runtime/db';
import { storeOutboxMessage } from '../../store/outbox';
import { createUser, issueToken } from '../../store/users';
import { createTestDatabase, type TestDatabase } from '../support/servers';

function startApp(db: Db, enabled: boolean): Promise<{ baseUrl: string; server: Server }> {
  const app = express();
  app.use(express.json());
  app.use(outboxPageRoutes({ db, enabled }));
  app.use('/api', authenticate(db));
  app.use('/api/outbox', outboxRoutes({ db, enabled }));
  app.use(unknownRoute);
  app.use(errorHandler(() => {}));
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server });
    });
  });
}

interface OutboxBody {
  messages: Array<{ id: string; to: string[]; from: string; subject: string; text: string; html: string | null; receivedAt: string }>;
}
interface ErrorBody {
  error: { code: string; message: string };
}

describe('the outbox API and page', () => {
  let database: TestDatabase;
  let baseUrl: string;
  let server: Server;
  let adminToken: string;
  let stewardToken: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    const admin = await createUser(db, { email: 'admin@example.com', name: 'Admin', roles: ['admin'], sites: ['*'] });
    const steward = await createUser(db, { email: 'steward@example.com', name: 'Steward', roles: ['steward'], sites: ['fr-paris-hq'] });
    adminToken = (await issueToken(db, admin.id, 'test')).token;
    stewardToken = (await issueToken(db, steward.id, 'test')).token;
    await storeOutboxMessage(db, { messageId: '<1@test>', from: 'noreply@stewardship.test', to: ['alice@example.com'], subject: 'Welcome', text: 'hello', html: null });
    await storeOutboxMessage(db, {
      messageId: '<2@test>',
      from: 'noreply@stewardship.test',
      to: ['bob@example.com'],
      subject: 'Review <b>now</b>',
      text: 'a "duplicate" to review',
      html: '<p onclick="x()">Review</p><script>alert(1)</script>',
    });
    ({ baseUrl, server } = await startApp(db, true));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.drop();
  });

  const get = (path: string, token?: string) =>
    fetch(baseUrl + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('lists the messages, newest first, to an admin', async () => {
    const response = await get('/api/outbox', adminToken);
    expect(response.status).toBe(200);
    const body = (await response.json()) as OutboxBody;
    expect(body.messages.map((m) => m.subject)).toEqual(['Review <b>now</b>', 'Welcome']);
    expect(Object.keys(body.messages[0]).sort()).toEqual(['from', 'html', 'id', 'receivedAt', 'subject', 'text', 'to']);

    const filtered = (await (await get('/api/outbox?to=alice@example.com&limit=5&offset=0', adminToken)).json()) as OutboxBody;
    expect(filtered.messages).toHaveLength(1);
    expect(filtered.messages[0].to).toEqual(['alice@example.com']);
  });

  it('refuses a bad limit, a steward, and a caller without a token', async () => {
    const badLimit = await get('/api/outbox?limit=abc', adminToken);
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as ErrorBody).error.message).toMatch(/"limit"/);
    expect((await get('/api/outbox', stewardToken)).status).toBe(403);
    const anonymous = await get('/api/outbox');
    expect(anonymous.status).toBe(401);
  });

  it('renders the page, escaped, for an admin token in the URL', async () => {
    const response = await fetch(`${baseUrl}/outbox?token=${encodeURIComponent(adminToken)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).toContain('Review &lt;b&gt;now&lt;/b&gt;');
    expect(html).toContain('a &quot;duplicate&quot; to review');
    expect(html).toContain('srcdoc="&lt;p onclick&#x3D;&quot;x()&quot;&gt;');
    expect(html).not.toContain('<script');
    expect(html.indexOf('Review &lt;b&gt;')).toBeLessThan(html.indexOf('Welcome'));
  });

  it('refuses the page without an admin token', async () => {
    expect((await fetch(`${baseUrl}/outbox`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/outbox?token=${encodeURIComponent(stewardToken)}`)).status).toBe(403);
  });

  it('says why there is no outbox when SMTP_URL is set', async () => {
    const disabled = await startApp(database.db, false);
    try {
      const api = await fetch(`${disabled.baseUrl}/api/outbox`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(api.status).toBe(404);
      expect(((await api.json()) as ErrorBody).error.message).toBe('the outbox exists only with the embedded SMTP server; SMTP_URL is set');
      expect((await fetch(`${disabled.baseUrl}/outbox?token=${adminToken}`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => disabled.server.close(resolve));
    }
  });
});
