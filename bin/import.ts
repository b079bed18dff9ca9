// Uploads a CSV file of customer records to the API and follows the import to its end.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError, type Print } from './cli/arguments';
import { fetchImport, ImportApiError, uploadCsv, type ImportTarget } from './import/api-client';
import { countsText, progressBar } from './import/progress-bar';

const USAGE = `usage: npm run import -- --site S [--source-system csv] [--url http://127.0.0.1:3000] [--token T] file.csv
  the CSV has a header row with source_id and any customer fields (givenName or given_name, ...)
  the token may also come from STEWARDSHIP_TOKEN`;

const POLL_INTERVAL_MS = 500;

export interface ImportIo {
  env: NodeJS.ProcessEnv;
  /** final results */
  print: Print;
  /** the progress bar: redrawn in place on a terminal, one line per change otherwise */
  progress: (line: string) => void;
  pollIntervalMs?: number;
}

/** Runs one import from a command line (without the program name); resolves to the import as
 * it finished, or throws a UsageError or an ImportApiError. */
export async function runImport(argv: string[], io: ImportIo): Promise<{ importId: string; status: string }> {
  const options = importOptions(argv, io.env);
  const started = await uploadCsv(options.target, options.file);
  io.print(`import ${started.importId}: ${started.totalRows} rows staged`);
  let lastLine = '';
  for (;;) {
    const progress = await fetchImport(options.target, started.importId);
    const line = progressBar(progress);
    if (line !== lastLine) io.progress(line);
    lastLine = line;
    if (progress.status === 'completed' || progress.status === 'failed') {
      io.print(`import ${progress.importId} ${progress.status}: ${progress.processedRows}/${progress.totalRows} rows, ${countsText(progress.counts)}`);
      if (progress.counts.rejected > 0) io.print(`rejected rows: ${new URL(`/api/imports/${progress.importId}/rejections.csv`, options.target.url)}`);
      if (progress.status === 'failed') throw new ImportApiError(`import ${progress.importId} failed; the worker log has the details`);
      return { importId: progress.importId, status: progress.status };
    }
    await new Promise((resolve) => setTimeout(resolve, io.pollIntervalMs ?? POLL_INTERVAL_MS));
  }
}

function importOptions(argv: string[], env: NodeJS.ProcessEnv): { target: ImportTarget; file: { path: string; site: string; sourceSystem: string } } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { site: { type: 'string' }, 'source-system': { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (!values.site) throw new UsageError(`--site is required\n${USAGE}`);
  if (positionals.length !== 1) throw new UsageError(`give exactly one CSV file\n${USAGE}`);
  const token = values.token ?? env.STEWARDSHIP_TOKEN;
  if (!token) throw new UsageError(`no API token: pass --token or set STEWARDSHIP_TOKEN (npm run cli -- tokens issue --email E)\n${USAGE}`);
  if (!fs.existsSync(positionals[0])) throw new UsageError(`no file ${positionals[0]}`);
  return {
    target: { url: values.url ?? 'http://127.0.0.1:3000', token },
    file: { path: positionals[0], site: values.site, sourceSystem: values['source-system'] ?? 'csv' },
  };
}

if (require.main === module) {
  const terminal = process.stderr.isTTY;
  let barShown = false;
  runImport(process.argv.slice(2), {
    env: process.env,
    print: (line) => {
      if (barShown) process.stderr.write('\n');
      barShown = false;
      console.log(line);
    },
    progress: (line) => {
      process.stderr.write(terminal ? `\r${line}` : `${line}\n`);
      barShown = terminal;
    },
  }).catch((error: unknown) => {
    console.error(error instanceof UsageError || error instanceof ImportApiError ? error.message : error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  });
}
