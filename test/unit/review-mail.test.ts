import { renderReviewMail, type ReviewMailContext } from '../../core/review-mail';
import { mergeSiteRules } from '../../core/rules/merge';
import type { EmailTemplates } from '../../core/rules/types';
import { demoSiteRuleFile, globalRuleFile } from '../support/rule-files';

const context: ReviewMailContext = {
  site: { id: 'fr-paris-hq', name: 'Paris <head> office', timeZone: 'Europe/Paris' },
  task: { id: 'task-42', createdAt: '2026-11-13T09:00:00Z', dueAt: new Date('2026-11-16T09:00:00Z') },
  link: 'https://stewardship.example/review/abc?x=1&y=2',
  recipient: 'steward@paris.example',
  probability: 0.873,
  differences: [
    { field: 'email', label: 'Email' },
    { field: 'street', label: 'Street & number' },
  ],
};

const mail = { subject: '{{site.name}}: {{percent probability}}', text: '{{site.name}} {{link}}', html: '<a href="{{link}}">{{site.name}}</a>' };
const templates: EmailTemplates = { locale: 'en-GB', reviewRequest: mail, reviewReminder: mail, reviewEscalation: mail, auditReport: mail, erasureRequest: mail, erasureReminder: mail, erasureEscalation: mail, erasureOutcome: mail };

describe('renderReviewMail', () => {
  it('escapes the html part only', () => {
    const rendered = renderReviewMail('reviewRequest', templates, context);
    expect(rendered.subject).toBe('Paris <head> office: 87%');
    expect(rendered.text).toBe('Paris <head> office https://stewardship.example/review/abc?x=1&y=2');
    expect(rendered.html).toBe('<a href="https://stewardship.example/review/abc?x&#x3D;1&amp;y&#x3D;2">Paris &lt;head&gt; office</a>');
  });

  it('renders the global mails in English with the link, the fields that differ and the due time', () => {
    const rules = mergeSiteRules(globalRuleFile(), demoSiteRuleFile('fr-paris-hq'));
    const rendered = renderReviewMail('reviewRequest', rules.emailTemplates, context);
    expect(rendered.subject).toContain('87% match');
    expect(rendered.text).toContain(context.link);
    expect(rendered.text).toContain('Fields that differ: Email, Street & number.');
    expect(rendered.text).toContain('16 Nov 2026, 10:00');
    expect(rendered.html).toContain('<li>Street &amp; number</li>');
  });

  it('renders the Munich mails in German, with German number and date formats', () => {
    const rules = mergeSiteRules(globalRuleFile(), demoSiteRuleFile('de-munich-plant'));
    const munich = { ...context, site: { id: 'de-munich-plant', name: 'Munich plant', timeZone: 'Europe/Berlin' } };
    const rendered = renderReviewMail('reviewEscalation', rules.emailTemplates, munich);
    expect(rendered.subject).toMatch(/^Eskalation: .*87\s%/);
    expect(rendered.text).toContain('16.11.2026, 10:00');
  });

  it('leaves out the list of differing fields when there is none, in every mail', () => {
    const rules = mergeSiteRules(globalRuleFile(), demoSiteRuleFile('fr-lyon-store'));
    for (const kind of ['reviewRequest', 'reviewReminder', 'reviewEscalation'] as const) {
      const rendered = renderReviewMail(kind, rules.emailTemplates, { ...context, differences: [] });
      expect(rendered.text).not.toContain('Fields that differ');
      expect(rendered.html).toContain(`href="https://stewardship.example/review/abc?x&#x3D;1&amp;y&#x3D;2"`);
    }
  });

  it('fails loudly on a misspelt variable rather than mailing without it', () => {
    const broken = { ...templates, reviewReminder: { ...mail, text: 'open {{lnk}}' } };
    expect(() => renderReviewMail('reviewReminder', broken, context)).toThrow(/"lnk" not defined/);
  });
});
