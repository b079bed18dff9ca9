import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';

export interface OutgoingEmail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** The business key of this email (e.g. the workflow and activity id). */
  idempotencyKey: string;
}

export interface Mailer {
  /** Hands the email to SMTP. Not idempotent by itself: sendOnce (store/sent-emails) is. */
  send(email: OutgoingEmail): Promise<{ sent: true; messageId: string }>;
  close(): void;
}

/** A mailer over SMTP: smtp://host:port (plain), smtps://user:pass@host:465 (TLS). */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  const domain = from.split('@').pop()?.replace(/[>\s]/g, '') || 'localhost';
  return {
    async send(email) {
      const info = await transport.sendMail({
        from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        // derived from the key, so a receiver can still spot a duplicate that slipped through
        messageId: `<${createHash('sha256').update(email.idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`,
      });
      return { sent: true, messageId: info.messageId };
    },
    close() {
      transport.close();
    },
  };
}
