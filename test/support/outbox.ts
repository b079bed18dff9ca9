import type { Db } from '../../runtime/db';
import { listOutboxMessages, type OutboxMessage } from '../../store/outbox';

/** Waits until the local SMTP server has received `count` messages to `to` whose subject matches. */
export async function waitForMail(db: Db, to: string, subject: RegExp, count = 1, timeoutMs = 20_000): Promise<OutboxMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = (await listOutboxMessages(db, { limit: 200, offset: 0, to })).filter((message) => subject.test(message.subject ?? ''));
    if (messages.length >= count) return messages;
    if (Date.now() > deadline) throw new Error(`no ${count} mail(s) to ${to} matching ${subject} within ${timeoutMs} ms (got ${messages.length})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The review link in a mail's text. */
export function reviewLinkIn(message: OutboxMessage): string {
  const match = /(https?:\/\/\S+\/review\/[A-Za-z0-9_-]+)/.exec(message.text ?? '');
  if (!match) throw new Error('no review link in the mail');
  return match[1];
}
