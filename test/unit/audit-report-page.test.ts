import { renderAuditReportPage } from '../../api/pages/audit-report-templates';
import { auditReportPageModel, type AuditReportData } from '../../api/pages/audit-report-view';
import { completedParisRun, failingEmailCheck, passingFreshnessCheck } from '../support/audit-runs';

const summary = completedParisRun([
  { ...failingEmailCheck, score: { ...failingEmailCheck.score, description: 'Email <addresses> are valid' } },
  passingFreshnessCheck,
]);

function data(overrides: Partial<AuditReportData> = {}): AuditReportData {
  return {
    site: { id: 'fr-paris-hq', name: 'Paris head office', timeZone: 'Europe/Paris' },
    summary,
    trendRuns: [
      { runId: 'run-6', at: new Date('2026-11-23T05:00:00Z'), scores: [{ checkId: 'validity-email', failedPercent: 2 }, { checkId: 'freshness', failedPercent: 0 }] },
      { runId: 'run-7', at: new Date('2026-11-30T05:00:00Z'), scores: [{ checkId: 'validity-email', failedPercent: 3.1 }, { checkId: 'freshness', failedPercent: 0 }] },
    ],
    failingRows: new Map([
      ['validity-email', { rows: [{ customerId: 'c-51', source: 'crm:C-51', reason: 'email <not> valid' }, { customerId: null, source: 'crm:C-52', reason: 'email not valid' }], offset: 50, stored: 10_000 }],
    ]),
    viewer: 'dpo@group.example',
    rowsPerPage: 50,
    pageLink: (checkId, offset) => `/audits/run-7?key=k&check=${checkId}&offset=${offset}`,
    ...overrides,
  };
}

describe('the audit report page', () => {
  const html = renderAuditReportPage(auditReportPageModel(data()), 'nonce-1');

  it('has a scorecard row per check, with counts, shares, result and trend', () => {
    const scorecard = /<table id="scorecard">([\s\S]*?)<\/table>/.exec(html)![1];
    expect(scorecard.match(/<tr><th scope="row">/g)).toHaveLength(2);
    expect(scorecard).toContain(
      '<tr><th scope="row"><a href="#check-validity-email">validity-email</a></th><td>validity</td><td>critical</td><td class="number">1,000,000</td><td class="number">31,000</td><td class="number">3.1%</td><td class="number">2%</td><td><span class="fail">fail</span></td><td>worse by 1.1 points; 11,500 newly failing</td></tr>',
    );
    expect(scorecard).toContain('<td><span class="pass">pass</span></td><td>unchanged</td>');
    expect(html).toContain('<strong>1 of 2 checks passed</strong>, 1 failed.');
  });

  it('has a section per check, its stored failing rows paged, escaped', () => {
    expect(html).toContain('<section class="check" id="check-validity-email">');
    expect(html).toContain('<h2>Email &lt;addresses&gt; are valid</h2>');
    expect(html).toContain('<caption>Failing rows 51–52 of the 10,000 stored</caption>');
    expect(html).toContain('<tr><td>c-51</td><td>crm:C-51</td><td>email &lt;not&gt; valid</td></tr>');
    expect(html).toContain('<tr><td></td><td>crm:C-52</td><td>email not valid</td></tr>');
    expect(html).toContain('<a href="/audits/run-7?key&#x3D;k&amp;check&#x3D;validity-email&amp;offset&#x3D;0#check-validity-email">← previous rows</a>');
    expect(html).toContain('<a href="/audits/run-7?key&#x3D;k&amp;check&#x3D;validity-email&amp;offset&#x3D;52#check-validity-email">next rows →</a>');
    expect(html).toMatch(/<section class="check" id="check-freshness">[\s\S]*?<p>No failing rows.<\/p>/);
  });

  it('embeds the trend chart as inline SVG and loads nothing: no script, no external source', () => {
    expect(html).toMatch(/<figure>\s*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>/);
    expect(html).toContain('over the last 2 run(s)');
    expect(html).not.toMatch(/<script|\ssrc=|<link/);
    expect(html).toContain('<style nonce="nonce-1">');
  });

  it('shows the progress of a run still going', () => {
    const running = renderAuditReportPage(
      auditReportPageModel(data({ summary: { ...summary, status: 'running', finishedAt: null, progress: { checksDone: 1, checksTotal: 2, rowsScanned: 1_250_000, rowsTotal: 1_000_000 } } })),
      'n',
    );
    expect(running).toContain('Still running: 1 of 2 checks done, 1,250,000 rows scanned.');
  });

  it('leaves out the previous link on the first page and the next link on the last', () => {
    const first = renderAuditReportPage(
      auditReportPageModel(data({ failingRows: new Map([['validity-email', { rows: [{ customerId: 'c-1', source: 'crm:1', reason: 'r' }], offset: 0, stored: 1 }]]) })),
      'n',
    );
    expect(first).toContain('Failing rows 1–1 of the 1 stored');
    expect(first).not.toContain('previous rows');
    expect(first).not.toContain('next rows');
  });
});
