import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import type { Db } from '../runtime/db';

interface Sample {
  labels: Record<string, string>;
  value: number;
}

interface Gauge {
  name: string;
  help: string;
  samples: Sample[];
}

/** GET /metrics: Prometheus text exposition (format 0.0.4). Counts and uptime only, never
 * personal data; a few COUNT queries per scrape, cheap next to a scrape interval. */
export function prometheusMetrics(db: Db): RequestHandler {
  return async (_req, res) => {
    const [sourceRecords, goldenRecords, openTasks] = await Promise.all([
      countBy(db('source_records'), 'status'),
      countBy(db('customers'), 'status'),
      countBy(db('tasks').where('status', 'open'), 'type'),
    ]);
    const gauges: Gauge[] = [
      { name: 'stewardship_source_records', help: 'Source records by status.', samples: sourceRecords },
      { name: 'stewardship_golden_records', help: 'Golden records by status.', samples: goldenRecords },
      { name: 'stewardship_open_tasks', help: 'Open steward and compliance tasks by type.', samples: openTasks },
      { name: 'stewardship_process_uptime_seconds', help: 'Seconds since this API process started.', samples: [{ labels: {}, value: process.uptime() }] },
    ];
    res.type('text/plain; version=0.0.4; charset=utf-8').send(gauges.map(exposition).join(''));
  };
}

/** One sample per value of `column`, labelled with it; values without rows have no sample. */
async function countBy(query: Knex.QueryBuilder, column: string): Promise<Sample[]> {
  const rows: Array<{ key: string; count: string }> = await query.select({ key: column }).count({ count: '*' }).groupBy(column).orderBy(column);
  return rows.map((row) => ({ labels: { [column]: row.key }, value: Number(row.count) }));
}

function exposition(gauge: Gauge): string {
  const lines = [`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`];
  for (const { labels, value } of gauge.samples) {
    const pairs = Object.entries(labels).map(([name, labelValue]) => `${name}="${escapeLabelValue(labelValue)}"`);
    lines.push(`${gauge.name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${value}`);
  }
  return lines.join('\n') + '\n';
}

/** The exposition format escapes backslash, double quote and line feed in label values. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
