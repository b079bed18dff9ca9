import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { storeOutboxMessage } from '../store/outbox';
import type { Db } from './db';

export interface OutboxSmtpServer {
  port: number;
  /** smtp://127.0.0.1:<port>, for createMailer */
  url: string;
  stop(): Promise<void>;
}

/** The local SMTP server of a one-machine run: it delivers nothing, it keeps every message in
 * outbox_messages for the outbox page. Listens on 127.0.0.1 only, so no auth and no TLS. */
export async function startOutboxSmtpServer(options: {
  port: number;
  db: Db;
  log?: (line: string) => void;
}): Promise<OutboxSmtpServer> {
  const log = options.log ?? (() => {});
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 1000,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) =>
          storeOutboxMessage(options.db, {
            messageId: mail.messageId ?? null,
            from: mail.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : null),
            // the envelope, not the headers: it names every recipient, Bcc included
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            subject: mail.subject ?? null,
            text: mail.text ?? null,
            html: mail.html || null,
          }),
        )
        .then((id) => {
          log(`outbox: stored message ${id}`);
          callback();
        })
        .catch((error: unknown) => {
          log(`outbox: could not store a message: ${error instanceof Error ? error.message : String(error)}`);
          callback(new Error('the outbox could not store the message'));
        });
    },
  });
  server.on('error', (error) => log(`outbox: SMTP server error: ${error.message}`));

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
