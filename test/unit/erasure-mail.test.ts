import {
  erasureMailTemplateProblem,
  erasureOfficerMailContext,
  erasureOutcomeMailContext,
  outcomeMailSite,
  renderErasureOfficerMail,
  renderErasureOutcomeMail,
} from '../../core/erasure-mail';
import { mergeSiteRules } from '../../core/rules/merge';
import { validateGlobalRuleFile, validateSiteRuleFile } from '../../core/rules/validate';
import { demoSiteRuleFile, globalRuleFile } from '../support/rule-files';

const paris = { id: 'fr-paris-hq', name: 'Paris head office', timeZone: 'Europe/Paris' };
const munich = { id: 'de-munich-plant', name: 'Werk München', timeZone: 'Europe/Berlin' };
const request = { id: 'req-7', siteIds: ['de-munich-plant', 'fr-paris-hq'], deadlineAt: new Date('2026-12-30T09:00:00Z') };
const officerContext = (site: typeof paris) =>
  erasureOfficerMailContext({ site, request, link: 'https://stewardship.example/erasure/tok?x=1&y=2', publicUrl: 'https://stewardship.example', recipient: 'dpo@group.example' });
const templatesOf = (siteId: string) => mergeSiteRules(globalRuleFile(), demoSiteRuleFile(siteId)).emailTemplates;

describe('the erasure mails of the rule files', () => {
  it('ask a compliance officer in English for a decision: request, sites, deadline in the site time, link and API', () => {
    const mail = renderErasureOfficerMail('request', templatesOf('fr-paris-hq'), officerContext(paris));
    expect(mail.subject).toBe('Erasure request req-7 awaits approval');
    expect(mail.text).toContain('Sites concerned: de-munich-plant, fr-paris-hq');
    expect(mail.text).toContain('Legal deadline: 30 Dec 2026, 10:00');
    expect(mail.text).toContain('https://stewardship.example/erasure/tok?x=1&y=2');
    expect(mail.text).toContain('GET https://stewardship.example/api/erasure-requests/req-7');
    expect(mail.text).toContain('POST https://stewardship.example/api/erasure-requests/req-7/decision');
    expect(mail.html).toContain('href="https://stewardship.example/erasure/tok?x&#x3D;1&amp;y&#x3D;2"');
    expect(renderErasureOfficerMail('reminder', templatesOf('fr-paris-hq'), officerContext(paris)).subject).toBe('Reminder: erasure request req-7 awaits approval');
    expect(renderErasureOfficerMail('escalation', templatesOf('fr-paris-hq'), officerContext(paris)).subject).toBe('Escalated: erasure request req-7 is undecided');
  });

  it('write to Munich in German, with German dates', () => {
    const mail = renderErasureOfficerMail('escalation', templatesOf('de-munich-plant'), officerContext(munich));
    expect(mail.subject).toBe('Eskalation: Löschantrag req-7 ist nicht entschieden');
    expect(mail.text).toContain('Gesetzliche Frist: 30.12.2026, 10:00');
    const outcome = renderErasureOutcomeMail(templatesOf('de-munich-plant'), erasureOutcomeMailContext({ site: munich, request, status: 'completed', why: null }));
    expect(outcome.subject).toBe('Löschantrag req-7 wurde ausgeführt');
  });

  it('tell the requester how the request ended, and why when it was rejected or refused', () => {
    const templates = templatesOf('fr-paris-hq');
    const outcome = (status: 'completed' | 'rejected' | 'refused', why: string | null) =>
      renderErasureOutcomeMail(templates, erasureOutcomeMailContext({ site: paris, request, status, why }));
    const completed = outcome('completed', null);
    expect(completed.subject).toBe('Erasure request req-7 was carried out');
    expect(completed.text).toContain("was carried out: the person's data is erased at every site concerned (de-munich-plant, fr-paris-hq).");
    expect(completed.text).not.toContain('Why:');
    expect(outcome('rejected', 'a contract <still> runs').subject).toBe('Erasure request req-7 was rejected');
    expect(outcome('rejected', 'a contract <still> runs').text).toContain('Why: a contract <still> runs');
    expect(outcome('rejected', 'a contract <still> runs').html).toContain('Why: a contract &lt;still&gt; runs');
    expect(outcome('refused', 'under legal hold COURT-7').subject).toBe('Erasure request req-7 cannot be carried out');
  });

  it("take the requester's mail from the request's first site by id", () => {
    expect(outcomeMailSite(['fr-paris-hq', 'de-munich-plant'])).toBe('de-munich-plant');
  });
});

describe('validation of the erasure mails', () => {
  it('checks each template against its own mail: the outcome mail has no link', () => {
    expect(erasureMailTemplateProblem('erasureRequest', '{{request.id}} {{link}} {{dateTime request.deadlineAt}}')).toBeUndefined();
    expect(erasureMailTemplateProblem('erasureOutcome', '{{request.id}} {{#if why}}{{why}}{{/if}}')).toBeUndefined();
    expect(erasureMailTemplateProblem('erasureOutcome', 'open {{link}}')).toBe('unknown variable or helper "link" at line 1, column 8');
  });

  it('refuses a site template with an unknown variable, naming its JSON pointer', () => {
    const site = demoSiteRuleFile('de-munich-plant');
    site.emailTemplates!.erasureReminder = { subject: 'Erinnerung: {{requestId}}', text: '{{link}}', html: '<p>{{#if request.id}}</p>' };
    const errors = validateSiteRuleFile(site, 'sites/de-munich-plant.json', globalRuleFile());
    expect(errors.map((error) => error.pointer)).toEqual(['/emailTemplates/erasureReminder/subject', '/emailTemplates/erasureReminder/html']);
    expect(errors[0]).toEqual({ file: 'sites/de-munich-plant.json', pointer: '/emailTemplates/erasureReminder/subject', reason: 'template does not render: unknown variable or helper "requestId" at line 1, column 15' });
  });

  it('refuses a global file with a broken or missing erasure mail', () => {
    const broken = globalRuleFile();
    broken.emailTemplates.erasureOutcome.text = 'Your request {{request.id}} {{status}} {{customer.name}}';
    expect(validateGlobalRuleFile(broken)).toEqual([
      { file: 'global.json', pointer: '/emailTemplates/erasureOutcome/text', reason: expect.stringContaining('unknown variable or helper "name"') },
    ]);
    const missing = globalRuleFile();
    delete (missing.emailTemplates as Partial<typeof missing.emailTemplates>).erasureEscalation;
    expect(validateGlobalRuleFile(missing)).toEqual([{ file: 'global.json', pointer: '/emailTemplates', reason: 'missing required property "erasureEscalation"' }]);
  });
});
