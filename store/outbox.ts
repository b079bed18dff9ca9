import type { Db } from '../runtime/db';

/** A message the embedded SMTP server received. */
export interface OutboxMessage {
  id: string;
  to: string[];
  from: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  receivedAt: Date;
}

export interface ReceivedMessage {
  messageId: string | null;
  from: string | null;
  to: string[];
  subject: string | null;
  text: string | null;
  html: string | null;
}

interface OutboxRow {
  id: string;
  to_addresses: string[];
  from_address: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  received_at: Date;
}

export async function storeOutboxMessage(db: Db, message: ReceivedMessage): Promise<string> {
  const [row] = await db('outbox_messages')
    .insert({
      message_id: message.messageId,
      from_address: message.from,
      to_addresses: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    })
    .returning(['id']);
  return row.id;
}

/** Newest first; `to` keeps the messages sent to that address (case-insensitive). */
export async function listOutboxMessages(
  db: Db,
  query: { limit: number; offset: number; to?: string },
): Promise<OutboxMessage[]> {
  const rows: OutboxRow[] = await db('outbox_messages')
    .modify((q) => {
      if (query.to) {
        q.whereRaw('? = ANY (SELECT lower(a) FROM unnest(to_addresses) AS a)', [query.to.toLowerCase()]);
      }
    })
    .orderBy([
      { column: 'received_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(query.limit)
    .offset(query.offset)
    .select(['id', 'to_addresses', 'from_address', 'subject', 'text', 'html', 'received_at']);
  return rows.map((row) => ({
    id: row.id,
    to: row.to_addresses,
    from: row.from_address,
    subject: row.subject,
    text: row.text,
    html: row.html,
    receivedAt: row.received_at,
  }));
}
