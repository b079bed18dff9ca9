import Handlebars from 'handlebars';
import type { EmailTemplates, MailTemplate } from './rules/types';

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

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Renders one review mail: the html part is HTML-escaped, subject and text are not. */
export function renderReviewMail(kind: ReviewMailKind, templates: EmailTemplates, context: ReviewMailContext): RenderedMail {
  const mail: MailTemplate = templates[kind];
  const options = { data: { locale: templates.locale } };
  return {
    subject: compiled(mail.subject, 'plain')(context, options),
    text: compiled(mail.text, 'plain')(context, options),
    html: compiled(mail.html, 'html')(context, options),
  };
}

/** Why a template cannot render a review mail (syntax, unknown variable or helper), or undefined.
 * It renders the template against a sample context, so it finds what compiling alone would not. */
export function reviewMailTemplateProblem(template: string): string | undefined {
  try {
    compiled(template, 'html')(SAMPLE_CONTEXT, { data: { locale: 'en-GB' } });
    return undefined;
  } catch (error) {
    return describeTemplateError((error as Error).message);
  }
}

type Escaping = 'plain' | 'html';

/** A separate environment, so the helpers are not registered on the shared Handlebars object. */
const handlebars = Handlebars.create();

handlebars.registerHelper('percent', function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
  return new Intl.NumberFormat(localeOf(options), { style: 'percent', maximumFractionDigits: 0 }).format(Number(value));
});

handlebars.registerHelper('dateTime', function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
  const root = options.data.root as ReviewMailContext;
  const format = new Intl.DateTimeFormat(localeOf(options), { dateStyle: 'medium', timeStyle: 'short', timeZone: root.site.timeZone });
  return format.format(new Date(value as string | Date));
});

function localeOf(options: Handlebars.HelperOptions): string {
  return (options.data as { locale: string }).locale;
}

// templates come from the rule files, so there are few; compiling is the costly part
const compiledTemplates: Record<Escaping, Map<string, Handlebars.TemplateDelegate<ReviewMailContext>>> = {
  plain: new Map(),
  html: new Map(),
};

function compiled(template: string, escaping: Escaping): Handlebars.TemplateDelegate<ReviewMailContext> {
  const cache = compiledTemplates[escaping];
  let delegate = cache.get(template);
  if (!delegate) {
    // strict: a misspelt variable fails loudly instead of leaving a mail without its link
    delegate = handlebars.compile<ReviewMailContext>(template, { strict: true, noEscape: escaping === 'plain' });
    cache.set(template, delegate);
  }
  return delegate;
}

const SAMPLE_CONTEXT: ReviewMailContext = {
  site: { id: 'sample-site', name: 'Sample site', timeZone: 'UTC' },
  task: { id: 'sample-task', createdAt: '2026-01-05T09:00:00Z', dueAt: '2026-01-06T09:00:00Z' },
  link: 'https://stewardship.example/review/sample-token',
  recipient: 'steward@sample.example',
  probability: 0.5,
  differences: [{ field: 'email', label: 'Email' }],
};

/** Handlebars messages span several lines and name "[object Object]"; keep what locates the fault. */
function describeTemplateError(message: string): string {
  const unknownName = /^"(.+)" not defined in .* - (\d+):(\d+)$/.exec(message);
  if (unknownName) {
    const [, name, line, column] = unknownName;
    return `unknown variable or helper "${name}" at line ${line}, column ${Number(column) + 1}`;
  }
  const lines = message.split('\n');
  return lines.length > 1 ? `${lines[0].replace(/:$/, '')}: ${lines[lines.length - 1]}` : message;
}
