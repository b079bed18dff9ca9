import { mailTemplateProblem, renderMailTemplate, type RenderedMail } from './mail-template';
import type { EmailTemplates } from './rules/types';

export type { RenderedMail } from './mail-template';

export const REVIEW_MAIL_KINDS = ['reviewRequest', 'reviewReminder', 'reviewEscalation'] as const;
export type ReviewMailKind = (typeof REVIEW_MAIL_KINDS)[number];

/** What a review mail may show. Field names only: the customer's values stay behind the link. */
export interface ReviewMailContext {
  site: { id: string; name: string; timeZone: string };
  /** instants as ISO 8601 strings or dates; templates format them with {{dateTime task.dueAt}} */
  task: { id: string; createdAt: string | Date; dueAt: string | Date };
  link: string;
  recipient: string;
  /** match probability, 0..1 */
  probability: number;
  differences: { field: string; label: string }[];
}

/** Renders one review mail: the html part is HTML-escaped, subject and text are not. */
export function renderReviewMail(kind: ReviewMailKind, templates: EmailTemplates, context: ReviewMailContext): RenderedMail {
  return renderMailTemplate(templates[kind], templates.locale, context);
}

/** Why a template cannot render a review mail (syntax, unknown variable or helper), or undefined. */
export function reviewMailTemplateProblem(template: string): string | undefined {
  return mailTemplateProblem(template, SAMPLE_CONTEXT);
}

const SAMPLE_CONTEXT: ReviewMailContext = {
  site: { id: 'sample-site', name: 'Sample site', timeZone: 'UTC' },
  task: { id: 'sample-task', createdAt: '2026-01-05T09:00:00Z', dueAt: '2026-01-06T09:00:00Z' },
  link: 'https://stewardship.example/review/sample-token',
  recipient: 'steward@sample.example',
  probability: 0.5,
  differences: [{ field: 'email', label: 'Email' }],
};
