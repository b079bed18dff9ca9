import Handlebars from 'handlebars';
import { pageLayoutPartial } from './page-layout';

/** A failing row as the page shows it: ids and the reason, never values. */
export interface FailingRowView {
  customerId: string | null;
  /** source system and id, e.g. crm:C-1001 */
  source: string;
  reason: string;
}

/** A page of one check's stored failing rows, with links to the pages before and after. */
export interface FailingRowsPage {
  rows: FailingRowView[];
  /** 1-based positions of the rows shown, of `stored` */
  from: number;
  to: number;
  stored: string;
  previous: string | null;
  next: string | null;
}

/** One check of the report: its score against the threshold, its trend, its failing rows. */
export interface ReportCheckModel {
  anchor: string;
  checkId: string;
  description: string;
  type: string;
  severity: string;
  rowsChecked: string;
  rowsFailed: string;
  failedPercent: string;
  allowedPercent: string;
  passed: boolean;
  trend: string;
  newlyFailing: string | null;
  failingRows: FailingRowsPage | null;
}

/** What the report page of an audit run shows. */
export interface AuditReportPageModel {
  site: { id: string; name: string };
  run: { id: string; workflowId: string; status: string; startedAt: string; finishedAt: string | null; rulesVersion: string; progress: string | null };
  viewer: string;
  totals: { checks: number; passed: number; failed: number };
  /** the inline SVG of core/audits/trend-chart, which escapes every text it draws */
  chart: Handlebars.SafeString;
  runsInChart: number;
  checks: ReportCheckModel[];
}

// An instance of its own. Every {{value}} is escaped; the chart is the one SafeString, built by
// core/audits/trend-chart. The one <style> carries the response's CSP nonce, and there is no script.
const pages = Handlebars.create();

pages.registerPartial('layout', pageLayoutPartial(`  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; color: #222; }
  table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
  th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  td.number { text-align: right; font-variant-numeric: tabular-nums; }
  .meta { color: #555; }
  .pass { color: #1b6e2a; font-weight: bold; }
  .fail { color: #a11; font-weight: bold; }
  section.check { border-top: 2px solid #eee; margin-top: 1.5rem; }
  nav.pages a { margin-right: 1rem; }
  figure { margin: 1rem 0; overflow-x: auto; }
`));

const reportTemplate = pages.compile<AuditReportPageModel & { title: string; nonce: string }>(`{{#> layout}}
<h1>Data quality audit of {{site.name}}</h1>
<p class="meta">Run {{run.workflowId}} · {{run.status}} · started {{run.startedAt}}{{#if run.finishedAt}} · finished {{run.finishedAt}}{{/if}} · rules version {{run.rulesVersion}} · you are {{viewer}}</p>
{{#if run.progress}}<p>Still running: {{run.progress}}. Reload for more.</p>{{/if}}
<h2>Scorecard</h2>
<p><strong>{{totals.passed}} of {{totals.checks}} checks passed</strong>{{#if totals.failed}}, {{totals.failed}} failed{{/if}}.</p>
<table id="scorecard">
  <thead><tr><th>Check</th><th>Type</th><th>Severity</th><th>Rows checked</th><th>Rows failing</th><th>Failing</th><th>Allowed</th><th>Result</th><th>Since the previous run</th></tr></thead>
  <tbody>
  {{#each checks}}
    <tr><th scope="row"><a href="#{{anchor}}">{{checkId}}</a></th><td>{{type}}</td><td>{{severity}}</td><td class="number">{{rowsChecked}}</td><td class="number">{{rowsFailed}}</td><td class="number">{{failedPercent}}</td><td class="number">{{allowedPercent}}</td><td>{{#if passed}}<span class="pass">pass</span>{{else}}<span class="fail">fail</span>{{/if}}</td><td>{{trend}}{{#if newlyFailing}}; {{newlyFailing}} newly failing{{/if}}</td></tr>
  {{/each}}
  </tbody>
</table>
<h2>Trend</h2>
<figure>
{{chart}}
<figcaption class="meta">Share of rows failing each check over the last {{runsInChart}} run(s) of the site. Hover a point for its figure.</figcaption>
</figure>
{{#each checks}}
<section class="check" id="{{anchor}}">
  <h2>{{description}}</h2>
  <p class="meta">{{checkId}} · {{type}} · severity {{severity}} · {{#if passed}}<span class="pass">pass</span>{{else}}<span class="fail">fail</span>{{/if}}: {{rowsFailed}} of {{rowsChecked}} rows failing ({{failedPercent}}; at most {{allowedPercent}} allowed)</p>
  {{#if failingRows}}
  <table class="failing-rows">
    <caption>Failing rows {{failingRows.from}}–{{failingRows.to}} of the {{failingRows.stored}} stored</caption>
    <thead><tr><th>Golden record</th><th>Source record</th><th>Reason</th></tr></thead>
    <tbody>
    {{#each failingRows.rows}}
      <tr><td>{{customerId}}</td><td>{{source}}</td><td>{{reason}}</td></tr>
    {{/each}}
    </tbody>
  </table>
  <nav class="pages">{{#if failingRows.previous}}<a href="{{failingRows.previous}}">← previous rows</a>{{/if}}{{#if failingRows.next}}<a href="{{failingRows.next}}">next rows →</a>{{/if}}</nav>
  {{else}}
  <p>No failing rows.</p>
  {{/if}}
</section>
{{/each}}
{{/layout}}
`);

export function renderAuditReportPage(model: AuditReportPageModel, nonce: string): string {
  return reportTemplate({ ...model, title: `Audit report: ${model.site.name}`, nonce });
}
