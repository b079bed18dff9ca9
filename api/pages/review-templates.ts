import Handlebars from 'handlebars';
import { pageLayoutPartial } from './page-layout';

/** What the review page shows: the task, both records field by field, the match score and,
 * while the task is open, the decision form. */
export interface ReviewPageModel {
  task: { siteId: string; createdAt: string; dueAt: string | null };
  personEmail: string;
  rows: Array<{ label: string; incoming: string; golden: string; differs: boolean }>;
  match: { probability: string; weight: string; band: string; comparisons: Array<{ field: string; comparator: string; level: string; weight: string }> } | null;
  closed: { outcome: string; decidedBy: string; decidedAt: string; via: string } | null;
  form: { csrf: string } | null;
}

/** A page that only tells something: a refused link, a refused request, or a decision taken. */
export interface MessagePageModel {
  title: string;
  message: string;
}

// An instance of its own, so these partials never meet other templates. Every {{value}} is
// escaped; no template uses {{{ }}}. The one <style> carries the response's CSP nonce.
const pages = Handlebars.create();

pages.registerPartial(
  'layout',
  pageLayoutPartial(`  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  tr.differs td { background: #fff3cd; }
  .marker { font-weight: bold; color: #8a6d00; }
  .meta { color: #555; }
  .closed { border-left: 4px solid #555; padding: 0.5rem 1rem; background: #f4f4f4; }
  textarea { width: 100%; min-height: 4rem; }
  button { font-size: 1rem; padding: 0.5rem 1rem; margin-right: 0.5rem; }
`),
);

const reviewTemplate = pages.compile<ReviewPageModel & { title: string; nonce: string }>(`{{#> layout}}
<h1>Possible duplicate at site {{task.siteId}}</h1>
<p class="meta">Task created {{task.createdAt}}{{#if task.dueAt}} · due {{task.dueAt}}{{/if}} · you are {{personEmail}}</p>
{{#if closed}}
<p class="closed">{{closed.outcome}} by {{closed.decidedBy}} on {{closed.decidedAt}}{{#if closed.via}} (via {{closed.via}}){{/if}}. Nothing is left to decide.</p>
{{/if}}
<h2>The records</h2>
<table>
  <thead><tr><th>Field</th><th>Incoming record</th><th>Golden record</th><th><span class="marker">≠</span> differs</th></tr></thead>
  <tbody>
  {{#each rows}}
    <tr{{#if differs}} class="differs"{{/if}}><th scope="row">{{label}}</th><td>{{incoming}}</td><td>{{golden}}</td><td class="marker">{{#if differs}}≠{{/if}}</td></tr>
  {{/each}}
  </tbody>
</table>
<h2>How they compare</h2>
{{#if match}}
<p>Match probability {{match.probability}} (weight {{match.weight}} bits, band {{match.band}}).</p>
<table>
  <thead><tr><th>Field</th><th>Comparator</th><th>Level</th><th>Weight (bits)</th></tr></thead>
  <tbody>
  {{#each match.comparisons}}
    <tr><th scope="row">{{field}}</th><td>{{comparator}}</td><td>{{level}}</td><td>{{weight}}</td></tr>
  {{/each}}
  </tbody>
</table>
{{else}}
<p>No match score is stored for this pair.</p>
{{/if}}
{{#if form}}
<h2>Your decision</h2>
<form method="post">
  <input type="hidden" name="csrf" value="{{form.csrf}}">
  <p><label for="comment">Comment (optional; say why when you defer)</label></p>
  <p><textarea id="comment" name="comment" maxlength="2000"></textarea></p>
  <p>
    <button type="submit" name="decision" value="merge">Merge</button>
    <button type="submit" name="decision" value="keepDistinct">Keep distinct</button>
    <button type="submit" name="decision" value="defer">Defer</button>
  </p>
</form>
{{/if}}
{{/layout}}
`);

const messageTemplate = pages.compile<MessagePageModel & { nonce: string }>(`{{#> layout}}
<h1>{{title}}</h1>
<p>{{message}}</p>
{{/layout}}
`);

/** Another page that email links open, in the same layout (its model needs title and nonce). */
export function compileLinkPage<T>(template: string): Handlebars.TemplateDelegate<T & { title: string; nonce: string }> {
  return pages.compile<T & { title: string; nonce: string }>(`{{#> layout}}\n${template}\n{{/layout}}\n`);
}

export function renderReviewPage(model: ReviewPageModel, nonce: string): string {
  return reviewTemplate({ ...model, title: `Review: possible duplicate at ${model.task.siteId}`, nonce });
}

export function renderMessagePage(model: MessagePageModel, nonce: string): string {
  return messageTemplate({ ...model, nonce });
}
