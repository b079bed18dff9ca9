import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Db } from '../../runtime/db';
import { inspectActionToken, type ActionTokenInspection, type ActionTokenPurpose } from '../../store/action-tokens';
import { formatTime } from './review-view';
import { sendHtml } from './html-response';
import { renderMessagePage, type MessagePageModel } from './review-templates';

/** What every page an email link opens shares: the token in the URL is the credential, GET only
 * shows (mail scanners open links), a POST must come from the page (origin and anti-forgery value),
 * and every answer is a small HTML page with strict headers. */

export type ValidHolder = Extract<ActionTokenInspection, { state: 'valid' }>;

export const FORGED_REQUEST: MessagePageModel = {
  title: 'Request refused',
  message: 'This decision was not sent from the page its link opens. Open the link from your email again and decide there.',
};

/** The holder of a valid link of this purpose, or undefined once a page has said why the link is
 * refused (a link of another purpose reads as not valid). */
export async function validHolderOrRefusal(
  db: Db,
  token: string,
  res: Response,
  purpose: ActionTokenPurpose,
  whoElseDecides: string,
): Promise<ValidHolder | undefined> {
  const inspection = await inspectActionToken(db, token);
  if (inspection.state === 'valid' && inspection.purpose === purpose) return inspection;
  sendRefusal(res, inspection.state === 'valid' ? { state: 'unknown' } : inspection, whoElseDecides);
  return undefined;
}

export function sendRefusal(res: Response, inspection: Exclude<ActionTokenInspection, ValidHolder>, whoElseDecides: string): void {
  switch (inspection.state) {
    case 'used':
      return sendMessage(res, 410, { title: 'Link already used', message: `This link was already used on ${formatTime(inspection.usedAt)}. Each link works once.` });
    case 'expired':
      return sendMessage(res, 410, { title: 'Link expired', message: `This link expired on ${formatTime(inspection.expiredAt)}. ${whoElseDecides} can still decide the task through the API.` });
    case 'unknown':
      return sendMessage(res, 404, { title: 'Link not valid', message: 'This link is not valid (mistyped or tampered). Open it again from your email, in full.' });
  }
}

/** The form carries a value only the holder of the link can compute: a page on another site that
 * posts to this URL does not know the token, so it cannot forge it. */
export function csrfTokenFor(actionToken: string, form: string): string {
  return createHmac('sha256', actionToken).update(form).digest('base64url');
}

export function csrfMatches(actionToken: string, sent: unknown, form: string): boolean {
  if (typeof sent !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(actionToken, form));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Browsers name the page a form was posted from; a post from another host (or an opaque
 * "null" origin) is refused. Clients that send neither still need the form's CSRF value. */
export function sentFromThisHost(req: Request): boolean {
  const origin = req.get('origin') ?? req.get('referer');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.host;
  } catch {
    return false;
  }
}

export function sendMessage(res: Response, status: number, page: MessagePageModel): void {
  sendHtml(res, status, (nonce) => renderMessagePage(page, nonce));
}
