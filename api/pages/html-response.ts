import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

/** Sends a page under a strict policy: no script at all, styles only from the page's own nonced
 * <style>, no framing. */
export function sendHtml(res: Response, status: number, render: (nonce: string) => string): void {
  const nonce = randomBytes(16).toString('base64');
  res
    .status(status)
    .set({
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      // Not no-referrer: with it browsers post the form with "Origin: null", which the origin
      // check must refuse. same-origin still keeps the URL (it holds the token) from other sites.
      'Referrer-Policy': 'same-origin',
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
    })
    .type('html')
    .send(render(nonce));
}
