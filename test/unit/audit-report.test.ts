import { auditReportMailContext, auditReportTemplateProblem, renderAuditReportMail } from '../../core/audits/report-mail';
import { niceCeiling, renderTrendChart, type TrendRun } from '../../core/audits/trend-chart';
import { mergeSiteRules } from '../../core/rules/merge';
import { validateGlobalRuleFile, validateSiteRuleFile } from '../../core/rules/validate';
import { demoSiteRuleFile, globalRuleFile } from '../support/rule-files';
import { completedParisRun, failingEmailCheck, passingFreshnessCheck } from '../support/audit-runs';

const summary = completedParisRun([
  {
    score: { checkId: 'completeness-identity', type: 'completeness', severity: 'high', description: 'Names & country present', rowsChecked: 1_000_000, rowsFailed: 2_500, failedPercent: 0.25, threshold: 0.99, passed: true },
    trend: { checkId: 'completeness-identity', previousFailedPercent: 0.5, delta: -0.25, newlyFailing: 10 },
  },
  failingEmailCheck,
  passingFreshnessCheck,
]);

const paris = { id: 'fr-paris-hq', name: 'Paris <head> office', timeZone: 'Europe/Paris' };
const link = 'https://stewardship.example/audits/run-7?key=k&x=1';

describe('the audit report mail', () => {
  const context = auditReportMailContext({ site: paris, summary, link, linkValidUntil: new Date('2026-12-30T05:04:00Z'), recipient: 'dpo@group.example' });

  it('turns the scorecard and trend into lines with shares, directions and totals', () => {
    expect(context.totals).toEqual({ checks: 3, passed: 2, failed: 1 });
    expect(context.failingChecks.map((check) => check.checkId)).toEqual(['validity-email']);
    const email = context.checks[1];
    expect(email).toMatchObject({ failedShare: 0.031, worse: true, better: false, unchanged: false, newlyFailing: 11_500 });
    expect(email.allowedShare).toBeCloseTo(0.02);
    expect(email.change).toBeCloseTo(0.011);
    expect(context.checks[0]).toMatchObject({ better: true, worse: false });
    expect(context.checks[2]).toMatchObject({ unchanged: true, better: false, worse: false });
  });

  it('renders the global mail in English: totals, a line per check with its trend, the link', () => {
    const rules = mergeSiteRules(globalRuleFile(), demoSiteRuleFile('fr-paris-hq'));
    const mail = renderAuditReportMail(rules.emailTemplates, context);
    expect(mail.subject).toBe('[Paris <head> office] Data quality audit: 2 of 3 checks passed');
    expect(mail.text).toContain('finished on 30 Nov 2026, 06:04: 2 of 3 checks passed, 1 failed.');
    expect(mail.text).toContain('FAIL  Email addresses are valid (validity-email, critical): 31,000 of 1,000,000 rows failing, 3.1% (at most 2% allowed); 1.1% worse than the previous audit; 11,500 rows newly failing.');
    expect(mail.text).toContain('PASS  Names & country present (completeness-identity, high): 2,500 of 1,000,000 rows failing, 0.3% (at most 1% allowed); 0.3% better than the previous audit; 10 rows newly failing.');
    expect(mail.text).toContain('PASS  Updated in the last 24 months (freshness, low): 0 of 1,000,000 rows failing, 0% (at most 10% allowed); unchanged.\n\nThe report');
    expect(mail.text).toContain('1 failed.\n\nPASS  Names');
    expect(mail.text).toContain('newly failing.\nFAIL  Email');
    expect(mail.text).toContain(link);
    expect(mail.text).not.toContain('first audit');
    expect(mail.html).toContain('Paris &lt;head&gt; office');
    expect(mail.html).toContain('<td>Names &amp; country present<br><small>completeness-identity</small></td>');
    expect(mail.html).toContain('href="https://stewardship.example/audits/run-7?key&#x3D;k&amp;x&#x3D;1"');
  });

  it('says there is no trend yet on the first audit of a site', () => {
    const first = auditReportMailContext({
      site: paris,
      summary: { ...summary, previousRunId: null, trend: summary.trend.map((trend) => ({ ...trend, previousFailedPercent: null, delta: null })) },
      link,
      linkValidUntil: new Date('2026-12-30T05:04:00Z'),
      recipient: 'dpo@group.example',
    });
    expect(first.checks.every((check) => !check.better && !check.worse && !check.unchanged && check.newlyFailing === 0)).toBe(true);
    const mail = renderAuditReportMail(mergeSiteRules(globalRuleFile(), demoSiteRuleFile('fr-lyon-store')).emailTemplates, first);
    expect(mail.text).toContain('.\n\nThis is the first audit of the site: the trend starts with the next one.\n\nThe report');
    expect(mail.text).not.toMatch(/better|worse|unchanged|newly/);
  });

  it('renders the Munich mail in German with German number formats', () => {
    const rules = mergeSiteRules(globalRuleFile(), demoSiteRuleFile('de-munich-plant'));
    const mail = renderAuditReportMail(rules.emailTemplates, { ...context, site: { id: 'de-munich-plant', name: 'Werk München', timeZone: 'Europe/Berlin' } });
    expect(mail.subject).toBe('[Werk München] Datenqualitätsprüfung: 2 von 3 Prüfungen bestanden');
    expect(mail.text).toMatch(/\nFEHLER {2}Email addresses are valid \(validity-email, critical\): 31\.000 von 1\.000\.000 Zeilen fehlerhaft, 3,1\s%/);
    expect(mail.text).toContain('30.11.2026, 06:04');
  });

  it('names the template and the fault when a rule file has a broken report mail', () => {
    expect(auditReportTemplateProblem('{{totals.passed}} of {{totals.checks}}')).toBeUndefined();
    expect(auditReportTemplateProblem('{{task.id}}')).toContain('unknown variable or helper');
    const site = demoSiteRuleFile('fr-lyon-store');
    site.emailTemplates = { auditReport: { subject: 'audit', text: 'see {{lnk}}', html: '<p>{{#each checks}}</p>' } };
    const errors = validateSiteRuleFile(site, 'sites/fr-lyon-store.json', globalRuleFile());
    expect(errors.map((error) => error.pointer)).toEqual(['/emailTemplates/auditReport/text', '/emailTemplates/auditReport/html']);
    expect(errors[0].reason).toContain('unknown variable or helper "lnk"');
  });

  it('refuses a global file without the report mail', () => {
    const global = globalRuleFile();
    delete (global.emailTemplates as Partial<typeof global.emailTemplates>).auditReport;
    expect(validateGlobalRuleFile(global).map((error) => error.pointer)).toEqual(['/emailTemplates/auditReport']);
  });
});

describe('the trend chart', () => {
  const runs: TrendRun[] = [
    { runId: 'r1', at: new Date('2026-11-02T05:00:00Z'), scores: [{ checkId: 'validity-email', failedPercent: 4 }, { checkId: 'freshness', failedPercent: 1 }] },
    { runId: 'r2', at: new Date('2026-11-09T05:00:00Z'), scores: [{ checkId: 'validity-email', failedPercent: 3.5 }, { checkId: 'freshness', failedPercent: 1.2 }] },
    { runId: 'r3', at: new Date('2026-11-16T05:00:00Z'), scores: [{ checkId: 'validity-email', failedPercent: 3.1 }, { checkId: 'freshness', failedPercent: 0 }, { checkId: 'new-<check>', failedPercent: 7 }] },
  ];
  const svg = renderTrendChart(runs, { timeZone: 'Europe/Paris' });

  it('is one inline SVG with a title and a description, no script, no style sheet, no external reference', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('<title id="trend-title">Failing rows per check, by audit run</title>');
    expect(svg).toContain('3 runs; failing rows in the latest: validity-email 3.1%, freshness 0%, new-&#60;check&#62; 7%.');
    expect(svg).not.toMatch(/<script|<style|style=|href=|url\(/);
  });

  it('draws a line per check through its runs, points with tooltips, and a legend', () => {
    expect(svg.match(/<polyline /g)).toHaveLength(2); // the new check has one point, no line yet
    expect(svg.match(/<circle /g)).toHaveLength(7);
    expect(svg).toContain('<title>validity-email: 3.1% failing, 2026-11-16</title>');
    expect(svg).toContain('data-check="new-&#60;check&#62;"');
    expect(svg).toMatch(/<text [^>]*>new-&#60;check&#62;<\/text>/);
  });

  it('scales the y axis to a round top over the worst share, and the x axis evenly', () => {
    // the top of 7% is 10%: five ticks 0, 2.5, 5, 7.5, 10
    expect(svg).toContain('>10%</text>');
    expect(svg).toContain('>7.5%</text>');
    // 720 wide, margins 52 and 16: runs at x = 52, 378, 704
    const first = /points="([\d.]+),/.exec(svg)![1];
    expect(Number(first)).toBe(52);
    expect(svg).toContain('cx="704"');
    // 7% of 10% from the bottom (16 + 240) is 168 high: y = 256 - 168 = 88
    expect(svg).toContain('cx="704" cy="88"');
  });

  it('labels dates in the site zone when runs span days, times when they do not', () => {
    expect(svg).toContain('>2026-11-02</text>');
    const sameDay = renderTrendChart(
      [{ runId: 'a', at: new Date('2026-11-30T05:00:00Z'), scores: [{ checkId: 'c', failedPercent: 1 }] }, { runId: 'b', at: new Date('2026-11-30T23:30:00Z'), scores: [{ checkId: 'c', failedPercent: 2 }] }],
      { timeZone: 'Europe/Paris' },
    );
    expect(sameDay).toContain('>11-30 06:00</text>');
    expect(sameDay).toContain('>12-01 00:30</text>');
  });

  it('draws a single run as points in the middle, and no runs as an empty frame', () => {
    const one = renderTrendChart([runs[0]], { timeZone: 'UTC' });
    expect(one).not.toContain('<polyline');
    expect(one).toContain('cx="378"');
    const none = renderTrendChart([], { timeZone: 'UTC' });
    expect(none).toContain('No audit runs yet.');
    expect(none).not.toContain('<circle');
  });

  it.each([
    [0, 1],
    [0.3, 0.5],
    [3.2, 5],
    [7, 10],
    [37, 50],
    [100, 100],
  ])('rounds the top of %p%% up to %p%%', (value, top) => {
    expect(niceCeiling(value)).toBeCloseTo(top);
  });
});

describe('the report settings of the rule files (audits.report)', () => {
  it('default to a 30-day link and 50 failing rows a page, and a site may set its own', () => {
    expect(globalRuleFile().audits.report).toEqual({ linkValidFor: 'P30D', rowsPerPage: 50 });
    const site = demoSiteRuleFile('fr-lyon-store');
    site.audits = { ...site.audits, report: { rowsPerPage: 20 } };
    expect(validateSiteRuleFile(site, 'sites/fr-lyon-store.json', globalRuleFile())).toEqual([]);
    expect(mergeSiteRules(globalRuleFile(), site).audits.report).toEqual({ linkValidFor: 'P30D', rowsPerPage: 20 });
  });

  it('refuse a link that never works or works too long, and a page without rows, naming the pointer', () => {
    for (const linkValidFor of ['PT0S', 'P2Y']) {
      const global = globalRuleFile();
      global.audits.report.linkValidFor = linkValidFor;
      expect(validateGlobalRuleFile(global)).toEqual([{ file: 'global.json', pointer: '/audits/report/linkValidFor', reason: expect.stringContaining(`"${linkValidFor}" is not a usable link lifetime`) }]);
    }
    const site = demoSiteRuleFile('fr-lyon-store');
    site.audits = { ...site.audits, report: { rowsPerPage: 0, linkValidFor: '30 days' } };
    const pointers = validateSiteRuleFile(site, 'sites/fr-lyon-store.json', globalRuleFile()).map((error) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/audits/report/rowsPerPage', '/audits/report/linkValidFor']));
  });
});
