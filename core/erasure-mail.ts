import type { ErasureStatus } from './erasure';
import { mailTemplateProblem, renderMailTemplate, type RenderedMail } from './mail-template';
import type { EmailTemplates } from './rules/types';

/** The mails of an erasure request, from the rule files (emailTemplates.erasure*). Their contexts
 * name the request, its sites and its deadline, never the person: the values stay behind the API. */

export const ERASURE_MAIL_KINDS = ['erasureRequest', 'erasureReminder', 'erasureEscalation', 'erasureOutcome'] as const;
export type ErasureMailKind = (typeof ERASURE_MAIL_KINDS)[number];

/** The workflow's steps that mail the compliance officers (kept short: they are activity inputs). */
export type ErasureOfficerMailKind = 'request' | 'reminder' | 'escalation';

const OFFICER_TEMPLATE: Record<ErasureOfficerMailKind, ErasureMailKind> = {
  request: 'erasureRequest',
  reminder: 'erasureReminder',
  escalation: 'erasureEscalation',
};

interface ErasureMailSite {
  id: string;
  name: string;
  timeZone: string;
}

/** The request as mails may show it: ids and the deadline only. */
interface ErasureMailRequest {
  id: string;
  siteIds: string[];
  /** the legal deadline; templates format it with {{dateTime request.deadlineAt}} */
  deadlineAt: string | Date;
}

export interface ErasureOfficerMailContext {
  /** the site whose approval the recipient's link decides: its templates and time zone apply */
  site: ErasureMailSite;
  request: ErasureMailRequest;
  /** the recipient's own link to the decision page (works once) */
  link: string;
  /** the request in the API (GET) and where to post the decision */
  apiUrl: string;
  decisionUrl: string;
  recipient: string;
}

export interface ErasureOutcomeMailContext {
  /** the request's first site (by id): its templates and time zone apply */
  site: ErasureMailSite;
  request: ErasureMailRequest;
  status: ErasureStatus;
  /** one of these is true: templates branch on them ({{#if completed}}…{{/if}}) */
  completed: boolean;
  rejected: boolean;
  refused: boolean;
  /** the officer's reason for a rejection, or why a legal hold refuses the erasure; null otherwise */
  why: string | null;
}

export function renderErasureOfficerMail(kind: ErasureOfficerMailKind, templates: EmailTemplates, context: ErasureOfficerMailContext): RenderedMail {
  return renderMailTemplate(templates[OFFICER_TEMPLATE[kind]], templates.locale, context);
}

export function renderErasureOutcomeMail(templates: EmailTemplates, context: ErasureOutcomeMailContext): RenderedMail {
  return renderMailTemplate(templates.erasureOutcome, templates.locale, context);
}

/** The officer mail's context; the API addresses are derived from the public URL. */
export function erasureOfficerMailContext(input: Omit<ErasureOfficerMailContext, 'apiUrl' | 'decisionUrl'> & { publicUrl: string }): ErasureOfficerMailContext {
  const { publicUrl, ...context } = input;
  const apiUrl = `${publicUrl}/api/erasure-requests/${encodeURIComponent(input.request.id)}`;
  return { ...context, apiUrl, decisionUrl: `${apiUrl}/decision` };
}

export function erasureOutcomeMailContext(input: { site: ErasureMailSite; request: ErasureMailRequest; status: ErasureStatus; why: string | null }): ErasureOutcomeMailContext {
  return { ...input, completed: input.status === 'completed', rejected: input.status === 'rejected', refused: input.status === 'refused' };
}

/** Which site's templates an erasure mail uses when the request concerns several: an officer's,
 * the first concerned site they answer for (their link decides its approval); the requester's,
 * the request's first site. Site ids are sorted when a request is filed, so the choice is stable. */
export function outcomeMailSite(siteIds: string[]): string {
  return [...siteIds].sort()[0];
}

/** Why a template cannot render the given erasure mail (syntax, unknown variable or helper), or undefined. */
export function erasureMailTemplateProblem(kind: ErasureMailKind, template: string): string | undefined {
  return mailTemplateProblem<ErasureOfficerMailContext | ErasureOutcomeMailContext>(template, kind === 'erasureOutcome' ? SAMPLE_OUTCOME : SAMPLE_OFFICER);
}

const SAMPLE_REQUEST: ErasureMailRequest = { id: 'sample-request', siteIds: ['sample-site', 'other-site'], deadlineAt: '2026-02-04T09:00:00Z' };
const SAMPLE_SITE: ErasureMailSite = { id: 'sample-site', name: 'Sample site', timeZone: 'UTC' };

const SAMPLE_OFFICER: ErasureOfficerMailContext = erasureOfficerMailContext({
  site: SAMPLE_SITE,
  request: SAMPLE_REQUEST,
  link: 'https://stewardship.example/erasure/sample-token',
  publicUrl: 'https://stewardship.example',
  recipient: 'officer@sample.example',
});

const SAMPLE_OUTCOME: ErasureOutcomeMailContext = erasureOutcomeMailContext({ site: SAMPLE_SITE, request: SAMPLE_REQUEST, status: 'rejected', why: 'a contract still runs' });
