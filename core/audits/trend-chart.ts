/** One audit run as the trend chart plots it: when it ran and each check's share of failing rows. */
export interface TrendRun {
  runId: string;
  at: Date;
  scores: Array<{ checkId: string; failedPercent: number }>;
}

export interface TrendChartOptions {
  /** the site's zone, for the date labels */
  timeZone: string;
  width?: number;
  /** height of the plot area; the legend adds to it */
  plotHeight?: number;
}

// Colour-blind-safe (Okabe-Ito), then the same colours dashed, so twelve checks stay apart.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const DASHES = ['', '6 3'];
const MARGIN = { top: 16, right: 16, bottom: 36, left: 52 };
const LEGEND_ROW = 18;
const LEGEND_COLUMN = 220;
const MAX_X_LABELS = 6;
const Y_TICKS = 4;

/** The failing share of every check over the runs, as an inline SVG (a line per check, a point per
 * run with a tooltip, a legend): presentation attributes only, no script and no style sheet, so it
 * shows under a strict Content-Security-Policy and in mail clients. Runs oldest first. */
export function renderTrendChart(runs: readonly TrendRun[], options: TrendChartOptions): string {
  const width = options.width ?? 720;
  const plotHeight = options.plotHeight ?? 240;
  const checkIds = [...new Set(runs.flatMap((run) => run.scores.map((score) => score.checkId)))];
  const columns = Math.max(1, Math.floor((width - MARGIN.left) / LEGEND_COLUMN));
  const legendHeight = Math.ceil(checkIds.length / columns) * LEGEND_ROW;
  const height = MARGIN.top + plotHeight + MARGIN.bottom + legendHeight;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const yMax = niceCeiling(Math.max(0, ...runs.flatMap((run) => run.scores.map((score) => score.failedPercent))));

  const x = (index: number) => MARGIN.left + (runs.length === 1 ? plotWidth / 2 : (plotWidth * index) / (runs.length - 1));
  const y = (percent: number) => MARGIN.top + plotHeight - (plotHeight * percent) / yMax;
  const label = dateLabeller(runs, options.timeZone);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="trend-title trend-desc">`,
    `<title id="trend-title">Failing rows per check, by audit run</title>`,
    `<desc id="trend-desc">${escapeXml(describeChart(runs, checkIds))}</desc>`,
  );
  for (let tick = 0; tick <= Y_TICKS; tick++) {
    const percent = (yMax * tick) / Y_TICKS;
    const at = round(y(percent));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${at}" x2="${width - MARGIN.right}" y2="${at}" stroke="#ddd" stroke-width="1"/>`,
      `<text x="${MARGIN.left - 6}" y="${at + 4}" text-anchor="end" font-size="11" fill="#555">${formatPercent(percent)}</text>`,
    );
  }
  parts.push(
    `<text x="12" y="${MARGIN.top + plotHeight / 2}" transform="rotate(-90 12 ${MARGIN.top + plotHeight / 2})" text-anchor="middle" font-size="11" fill="#555">failing rows</text>`,
  );
  for (const index of labelledRunIndexes(runs.length)) {
    parts.push(
      `<text x="${round(x(index))}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle" font-size="11" fill="#555">${escapeXml(label(runs[index].at))}</text>`,
    );
  }

  checkIds.forEach((checkId, checkIndex) => {
    const colour = COLOURS[checkIndex % COLOURS.length];
    const dash = DASHES[Math.floor(checkIndex / COLOURS.length) % DASHES.length];
    const points = runs.flatMap((run, runIndex) => {
      const score = run.scores.find((candidate) => candidate.checkId === checkId);
      return score ? [{ run, x: round(x(runIndex)), y: round(y(score.failedPercent)), percent: score.failedPercent }] : [];
    });
    parts.push(`<g data-check="${escapeXml(checkId)}">`);
    if (points.length > 1) {
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${points.map((point) => `${point.x},${point.y}`).join(' ')}"/>`,
      );
    }
    for (const point of points) {
      parts.push(
        `<circle cx="${point.x}" cy="${point.y}" r="3.5" fill="${colour}"><title>${escapeXml(`${checkId}: ${formatPercent(point.percent)} failing, ${label(point.run.at)}`)}</title></circle>`,
      );
    }
    parts.push('</g>');
    const legendX = MARGIN.left + (checkIndex % columns) * LEGEND_COLUMN;
    const legendY = MARGIN.top + plotHeight + MARGIN.bottom + Math.floor(checkIndex / columns) * LEGEND_ROW + 8;
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 20}" y2="${legendY}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      `<text x="${legendX + 26}" y="${legendY + 4}" font-size="11" fill="#222">${escapeXml(checkId)}</text>`,
    );
  });
  parts.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotHeight}" x2="${width - MARGIN.right}" y2="${MARGIN.top + plotHeight}" stroke="#888" stroke-width="1"/>`,
    '</svg>',
  );
  return parts.join('\n');
}

/** 0.3 -> 0.5, 3.2 -> 5, 37 -> 50, 0 -> 1: a round top for the y axis, never 0. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((candidate) => candidate * magnitude >= value)!;
  return Math.min(100, step * magnitude);
}

/** At most MAX_X_LABELS labels, always the first and the last run. */
function labelledRunIndexes(count: number): number[] {
  if (count <= MAX_X_LABELS) return Array.from({ length: count }, (_, index) => index);
  const step = (count - 1) / (MAX_X_LABELS - 1);
  return Array.from({ length: MAX_X_LABELS }, (_, index) => Math.round(index * step));
}

/** Dates when the runs span days, times of day when they all fall within two days. */
function dateLabeller(runs: readonly TrendRun[], timeZone: string): (at: Date) => string {
  const times = runs.map((run) => run.at.getTime());
  const spansDays = times.length > 0 && Math.max(...times) - Math.min(...times) >= 2 * 86_400_000;
  const format = new Intl.DateTimeFormat('en-CA', spansDays
    ? { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }
    : { timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (at) => format.format(at).replace(',', '');
}

function describeChart(runs: readonly TrendRun[], checkIds: string[]): string {
  if (runs.length === 0) return 'No audit runs yet.';
  const latest = runs[runs.length - 1];
  const latestScores = checkIds.map((checkId) => {
    const score = latest.scores.find((candidate) => candidate.checkId === checkId);
    return `${checkId} ${score ? formatPercent(score.failedPercent) : 'not run'}`;
  });
  return `${runs.length} run${runs.length === 1 ? '' : 's'}; failing rows in the latest: ${latestScores.join(', ')}.`;
}

function formatPercent(percent: number): string {
  return `${Number(percent.toFixed(percent > 0 && percent < 1 ? 2 : 1))}%`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
