import nodemailer from 'nodemailer';
import { createMailer, type Mailer } from '../../runtime/mailer';
import { freePort } from '../../runtime/ports';
import { startOutboxSmtpServer, type OutboxSmtpServer } from '../../runtime/smtp-outbox';
import { listOutboxMessages } from '../../store/outbox';
import { sendOnce } from '../../store/sent-emails';
import { createTestDatabase, type TestDatabase } from '../support/servers';

describe('the outbox SMTP server', () => {
  let database: TestDatabase;
  let smtp: OutboxSmtpServer;
  let mailer: Mailer;
  const logLines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startOutboxSmtpServer({ port: await freePort(), db: database.db, log: (line) => logLines.push(line) });
    mailer = createMailer(smtp.url, 'Stewardship <noreply@stewardship.test>');
  });
  afterAll(async () => {
    mailer.close();
    await smtp.stop();
    await database.drop();
  });

  it('keeps every message it receives, newest first', async () => {
    const transport = nodemailer.createTransport(smtp.url);
    await transport.sendMail({
      from: 'noreply@stewardship.test',
      to: 'alice@example.com',
      subject: 'First',
      text: 'first body',
    });
    await transport.sendMail({
      from: 'noreply@stewardship.test',
      to: 'bob@example.com',
      bcc: 'audit@example.com',
      subject: 'Second',
      text: 'second body',
      html: '<p>second body</p>',
    });
    transport.close();

    const messages = await listOutboxMessages(database.db, { limit: 10, offset: 0 });
    expect(messages.map((m) => m.subject)).toEqual(['Second', 'First']);
    expect(messages[0]).toMatchObject({
      to: ['bob@example.com', 'audit@example.com'],
      from: 'noreply@stewardship.test',
      text: 'second body',
      html: '<p>second body</p>',
    });
    expect(messages[0].receivedAt).toBeInstanceOf(Date);
    expect(messages[1].html).toBeNull();

    expect(await listOutboxMessages(database.db, { limit: 10, offset: 0, to: 'ALICE@example.com' })).toHaveLength(1);
    expect((await listOutboxMessages(database.db, { limit: 1, offset: 1 }))[0].subject).toBe('First');
    // ids only: no address or subject in the log
    expect(logLines.join('\n')).not.toMatch(/@|First|Second/);
  });

  it('sends an email once per idempotency key', async () => {
    const email = { to: ['carol@example.com'], subject: 'Review task', text: 'please review', idempotencyKey: 'review:t1:notify' };
    expect(await sendOnce(database.db, mailer, email)).toEqual({ sent: true });
    expect(await sendOnce(database.db, mailer, email)).toEqual({ sent: false });

    expect(await listOutboxMessages(database.db, { limit: 10, offset: 0, to: 'carol@example.com' })).toHaveLength(1);
    const record = await database.db('sent_emails').where({ idempotency_key: email.idempotencyKey }).first();
    expect(record.message_id).toMatch(/^<[0-9a-f]{32}@stewardship\.test>$/);
  });

  it('releases the key when sending fails, so a retry sends', async () => {
    const failing: Mailer = { send: () => Promise.reject(new Error('SMTP down')), close: () => {} };
    const email = { to: ['dave@example.com'], subject: 'Reminder', text: 'reminder', idempotencyKey: 'review:t2:remind' };
    await expect(sendOnce(database.db, failing, email)).rejects.toThrow('SMTP down');
    expect(await sendOnce(database.db, mailer, email)).toEqual({ sent: true });
  });
});
