import express, { type Request, type Router } from 'express';
import Handlebars from 'handlebars';
import type { Db } from '../../runtime/db';
import { listOutboxMessages, type OutboxMessage } from '../../store/outbox';
import { findUserByToken } from '../../store/users';
import { currentUser, requireAccess } from '../auth';
import { badRequest, notFound, unauthenticated } from '../errors';

export interface OutboxDeps {
  db: Db;
  /** true only when this process runs the embedded SMTP server (SMTP_URL unset) */
  enabled: boolean;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

function requireOutbox(enabled: boolean): void {
  if (!enabled) throw notFound('the outbox exists only with the embedded SMTP server; SMTP_URL is set');
}

function parseCount(req: Request, name: string, fallback: number, max: number): number {
  const value = req.query[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) > max) {
    throw badRequest(`query parameter "${name}" must be a whole number from 0 to ${max}`);
  }
  return Number(value);
}

function parseOutboxQuery(req: Request): { limit: number; offset: number; to?: string } {
  const to = req.query.to;
  if (to !== undefined && typeof to !== 'string') throw badRequest('query parameter "to" must be one email address');
  return {
    limit: parseCount(req, 'limit', DEFAULT_LIMIT, MAX_LIMIT),
    offset: parseCount(req, 'offset', 0, Number.MAX_SAFE_INTEGER),
    to: to || undefined,
  };
}

/** GET /api/outbox: the messages the embedded SMTP server received, for admins. The app applies
 * authenticate(db) before this router. */
export function outboxRoutes(deps: OutboxDeps): Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    requireOutbox(deps.enabled);
    requireAccess(currentUser(res), { roles: ['admin'] });
    const messages = await listOutboxMessages(deps.db, parseOutboxQuery(req));
    res.json({ messages });
  });
  return router;
}

// Handlebars escapes every {{value}}, attributes included; the email's own HTML is shown only
// inside a sandboxed iframe (no scripts, no same origin).
const renderOutboxPage = Handlebars.compile<{ messages: Array<Omit<OutboxMessage, 'to' | 'receivedAt'> & { to: string; receivedAt: string }> }>(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Outbox</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
  article { border-top: 1px solid #ccc; padding: 1rem 0; }
  .meta { color: #555; font-size: 0.9rem; }
  pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.75rem; }
  iframe { width: 100%; height: 20rem; border: 1px solid #ccc; }
</style>
</head>
<body>
<h1>Outbox</h1>
<p>Emails the platform sent through its embedded SMTP server, newest first. Nothing here left this machine.</p>
{{#each messages}}
<article>
  <h2>{{subject}}</h2>
  <p class="meta"><time datetime="{{receivedAt}}">{{receivedAt}}</time> · to {{to}} · from {{from}}</p>
  <pre>{{text}}</pre>
  {{#if html}}<details><summary>HTML version</summary><iframe sandbox srcdoc="{{html}}" title="HTML version of {{subject}}"></iframe></details>{{/if}}
</article>
{{else}}
<p>No emails yet.</p>
{{/each}}
</body>
</html>
`);

/** A browser cannot send a bearer header from a typed URL, so the page takes the admin's API
 * token as ?token=. */
async function requireAdminFromToken(db: Db, req: Request): Promise<void> {
  const token = typeof req.query.token === 'string' ? req.query.token : undefined;
  if (!token) throw unauthenticated('open the outbox as /outbox?token=<an admin API token>');
  const user = await findUserByToken(db, token);
  if (!user) throw unauthenticated('unknown, revoked or expired API token');
  requireAccess(user, { roles: ['admin'] });
}

/** GET /outbox: the outbox as a page, for the person running the platform on one machine. */
export function outboxPageRoutes(deps: OutboxDeps): Router {
  const router = express.Router();
  router.get('/outbox', async (req, res) => {
    requireOutbox(deps.enabled);
    await requireAdminFromToken(deps.db, req);
    const messages = await listOutboxMessages(deps.db, parseOutboxQuery(req));
    res
      .set({
        // the token is in the URL: keep it out of Referer headers and caches
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      })
      .type('html')
      .send(
        renderOutboxPage({
          messages: messages.map((message) => ({
            ...message,
            to: message.to.join(', '),
            receivedAt: message.receivedAt.toISOString(),
          })),
        }),
      );
  });
  return router;
}
