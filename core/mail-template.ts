import Handlebars from 'handlebars';
import type { MailTemplate } from './rules/types';

/** A mail rendered from its handlebars templates. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** What every mail context carries: the site, whose time zone the dateTime helper writes in. */
export interface MailContextBase {
  site: { timeZone: string };
}

/** Renders one mail of the rule files: the html part is HTML-escaped, subject and text are not. */
export function renderMailTemplate<C extends MailContextBase>(mail: MailTemplate, locale: string, context: C): RenderedMail {
  const options = { data: { locale } };
  return {
    subject: compiled<C>(mail.subject, 'plain')(context, options),
    text: compiled<C>(mail.text, 'plain')(context, options),
    html: compiled<C>(mail.html, 'html')(context, options),
  };
}

/** Why a template cannot render (syntax, unknown variable or helper), or undefined. It renders
 * the template against a sample context, so it finds what compiling alone would not. */
export function mailTemplateProblem<C extends MailContextBase>(template: string, sample: C): string | undefined {
  try {
    compiled<C>(template, 'html')(sample, { data: { locale: 'en-GB' } });
    return undefined;
  } catch (error) {
    return describeTemplateError((error as Error).message);
  }
}

type Escaping = 'plain' | 'html';

/** A separate environment, so the helpers are not registered on the shared Handlebars object. */
const handlebars = Handlebars.create();

/** {{percent 0.873}} writes 87%; {{percent share digits=1}} keeps one decimal. */
handlebars.registerHelper('percent', function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
  const digits = Number(options.hash?.digits ?? 0);
  return new Intl.NumberFormat(localeOf(options), { style: 'percent', maximumFractionDigits: digits }).format(Number(value));
});

/** {{number rowsChecked}} writes 1,234,567 (or 1.234.567 in de-DE). */
handlebars.registerHelper('number', function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
  return new Intl.NumberFormat(localeOf(options)).format(Number(value));
});

handlebars.registerHelper('dateTime', function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
  const root = options.data.root as MailContextBase;
  const format = new Intl.DateTimeFormat(localeOf(options), { dateStyle: 'medium', timeStyle: 'short', timeZone: root.site.timeZone });
  return format.format(new Date(value as string | Date));
});

function localeOf(options: Handlebars.HelperOptions): string {
  return (options.data as { locale: string }).locale;
}

// templates come from the rule files, so there are few; compiling is the costly part
const compiledTemplates: Record<Escaping, Map<string, Handlebars.TemplateDelegate>> = {
  plain: new Map(),
  html: new Map(),
};

function compiled<C>(template: string, escaping: Escaping): Handlebars.TemplateDelegate<C> {
  const cache = compiledTemplates[escaping];
  let delegate = cache.get(template);
  if (!delegate) {
    // strict: a misspelt variable fails loudly instead of leaving a mail without its link
    delegate = handlebars.compile(template, { strict: true, noEscape: escaping === 'plain' });
    cache.set(template, delegate);
  }
  return delegate;
}

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
