import type { Db } from '../runtime/db';
import type { Mailer, OutgoingEmail } from '../runtime/mailer';

/** Sends the email unless one with the same idempotency key was already sent, so a retried
 * activity never sends a second mail. The key is claimed before sending: only the caller that
 * inserted it sends, and a failed send releases it for the retry. */
export async function sendOnce(db: Db, mailer: Mailer, email: OutgoingEmail): Promise<{ sent: boolean }> {
  const claimed = await db('sent_emails')
    .insert({ idempotency_key: email.idempotencyKey })
    .onConflict('idempotency_key')
    .ignore()
    .returning(['idempotency_key']);
  if (claimed.length === 0) return { sent: false };

  let messageId: string;
  try {
    ({ messageId } = await mailer.send(email));
  } catch (error) {
    await db('sent_emails').where({ idempotency_key: email.idempotencyKey }).del();
    throw error;
  }
  await db('sent_emails').where({ idempotency_key: email.idempotencyKey }).update({ message_id: messageId, sent_at: db.fn.now() });
  return { sent: true };
}
