// The rules commands that talk to a running platform: diff, publish, rollback, export.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatRuleFileError, type RuleFileError } from '../../core/rules/rule-file-error';
import { unifiedDiff } from '../../core/rules/rule-diff';
import { GLOBAL_SCOPE, isRuleScope, ruleFileOfScope } from '../../core/rules/rule-scope';
import { UsageError, type Print } from '../cli/arguments';
import { RulesApiError, rulesApi, type RulesApiTarget } from './rules-api';

export const API_COMMANDS = ['diff', 'publish', 'rollback', 'export'] as const;

export const API_USAGE = `  npm run rules -- diff <file>                              the file against the version in force
  npm run rules -- diff --scope S --from V --to V            two published versions (or draft ids) of a scope
  npm run rules -- publish <file> --comment "why" --base V    publish the file (refused if V is no longer current)
  npm run rules -- rollback --scope S --to V [--comment "why"] publish version V's content again
  npm run rules -- export [--dir rules]                      write the versions in force as files
  scope: global or a site id; a file's scope is its name (global.json, sites/<site>.json)
  these take --url (default http://127.0.0.1:3000) and --token (or STEWARDSHIP_TOKEN): an admin's API token`;

export interface RulesIo {
  env: NodeJS.ProcessEnv;
  print: Print;
  printError: Print;
}

interface Publication {
  scope: string;
  file: string;
  version: number;
  text: string;
}

type PublishOutcome =
  | { state: 'published'; scope: string; version: number; rulesVersions: Record<string, string> }
  | { state: 'pending'; scope: string; approvalId: string };

const FLAGS = {
  url: { type: 'string' },
  token: { type: 'string' },
  scope: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  base: { type: 'string' },
  comment: { type: 'string' },
  dir: { type: 'string' },
} as const;

/** Runs one API command; resolves to the exit code (1 when the API refused, with its reasons printed). */
export async function runRulesApiCommand(command: string, args: string[], io: RulesIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
  const { values, positionals } = parsed;
  const token = values.token ?? io.env.STEWARDSHIP_TOKEN;
  if (!token) throw new UsageError(`${command}: no API token: pass --token or set STEWARDSHIP_TOKEN (an admin's token: npm run cli -- tokens issue --email E)`);
  const target: RulesApiTarget = { url: values.url ?? io.env.STEWARDSHIP_URL ?? 'http://127.0.0.1:3000', token };
  try {
    switch (command) {
      case 'diff':
        return await diff(target, positionals, values, io);
      case 'publish':
        return await publish(target, positionals, values, io);
      case 'rollback':
        return await rollback(target, values, io);
      case 'export':
        return await exportRules(target, values.dir ?? 'rules', io);
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (!(error instanceof RulesApiError)) throw error;
    io.printError(error.message);
    const errors = (error.details as { errors?: RuleFileError[] } | undefined)?.errors ?? [];
    for (const ruleError of errors) io.printError(formatRuleFileError(ruleError));
    return 1;
  }
}

type Flags = { [K in keyof typeof FLAGS]?: string };

async function diff(target: RulesApiTarget, positionals: string[], flags: Flags, io: RulesIo): Promise<number> {
  if (positionals.length === 1) {
    const file = readLocalFile(positionals[0]);
    const current = await rulesApi<Publication>(target, 'GET', `/api/rules/${file.scope}/versions/current`);
    const text = unifiedDiff(current.text, file.text, { before: `${current.file} version ${current.version} (in force)`, after: positionals[0] });
    io.print(text === '' ? `${positionals[0]}: the same as version ${current.version} in force` : text.trimEnd());
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('diff: give one file, or --scope with --from and --to');
  const scope = scopeFlag(flags.scope, 'diff');
  if (!flags.to) throw new UsageError('diff: --to is required with --scope (a version number, current or a draft id)');
  const query = new URLSearchParams({ to: flags.to, ...(flags.from ? { from: flags.from } : {}) });
  const result = await rulesApi<{ text: string; from: string; to: string }>(target, 'GET', `/api/rules/${scope}/diff?${query}`);
  io.print(result.text === '' ? `${result.from} and ${result.to} are the same` : result.text.trimEnd());
  return 0;
}

async function publish(target: RulesApiTarget, positionals: string[], flags: Flags, io: RulesIo): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('publish: give exactly one rule file');
  if (!flags.comment?.trim()) throw new UsageError('publish: --comment "why" is required');
  const file = readLocalFile(positionals[0]);
  // no default: "the version in force now" would silently overwrite what others published since the export
  if (flags.base === undefined) throw new UsageError('publish: --base V is required: the version your file was exported from (export and diff print it)');
  const baseVersion = versionFlag(flags.base, 'base');
  const published = await rulesApi<PublishOutcome>(target, 'POST', `/api/rules/${file.scope}/publish`, { text: file.text, baseVersion, comment: flags.comment });
  if (published.state === 'pending') return printPending(published, target, io);
  io.print(`${ruleFileOfScope(published.scope)}: version ${published.version} published (was ${baseVersion})`);
  printRulesVersions(published, io);
  return 0;
}

async function rollback(target: RulesApiTarget, flags: Flags, io: RulesIo): Promise<number> {
  const scope = scopeFlag(flags.scope, 'rollback');
  if (!flags.to) throw new UsageError('rollback: --to V (the version to restore) is required');
  const body = { toVersion: versionFlag(flags.to, 'to'), ...(flags.comment ? { comment: flags.comment } : {}) };
  const published = await rulesApi<PublishOutcome>(target, 'POST', `/api/rules/${scope}/rollback`, body);
  if (published.state === 'pending') return printPending(published, target, io);
  io.print(`${ruleFileOfScope(scope)}: version ${published.version} published with the content of version ${body.toVersion}`);
  printRulesVersions(published, io);
  return 0;
}

/** Writes the version in force of every scope the admin may read, as the files they were published as. */
async function exportRules(target: RulesApiTarget, directory: string, io: RulesIo): Promise<number> {
  const { scopes } = await rulesApi<{ scopes: Array<{ scope: string }> }>(target, 'GET', '/api/rules');
  for (const { scope } of scopes) {
    const current = await rulesApi<Publication>(target, 'GET', `/api/rules/${scope}/versions/current`);
    const file = path.join(directory, current.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, current.text);
    io.print(`${file}: version ${current.version}`);
  }
  return 0;
}

function printPending(pending: { scope: string; approvalId: string }, target: RulesApiTarget, io: RulesIo): number {
  io.print(`${ruleFileOfScope(pending.scope)}: waits for a second admin (the global rules ask for one); approval ${pending.approvalId}`);
  io.print(`  another admin approves with: POST ${new URL(`/api/rules/${pending.scope}/approvals/${pending.approvalId}/approve`, target.url)}`);
  return 0;
}

function printRulesVersions(published: { rulesVersions: Record<string, string> }, io: RulesIo): void {
  for (const [siteId, version] of Object.entries(published.rulesVersions)) io.print(`  ${siteId} decides under rules version ${version}`);
}

/** A local rule file and the scope its name gives: global.json, or sites/<site>.json. */
function readLocalFile(filePath: string): { scope: string; text: string } {
  if (!fs.existsSync(filePath)) throw new UsageError(`no file ${filePath}`);
  const name = path.basename(filePath, '.json');
  const inSites = path.basename(path.dirname(path.resolve(filePath))) === 'sites';
  const scope = inSites ? name : name === 'global' ? GLOBAL_SCOPE : undefined;
  if (!scope || !isRuleScope(scope)) throw new UsageError(`${filePath}: a rule file is global.json or sites/<site>.json`);
  return { scope, text: fs.readFileSync(filePath, 'utf8') };
}

function scopeFlag(value: string | undefined, command: string): string {
  if (!value || !isRuleScope(value)) throw new UsageError(`${command}: --scope must be global or a site id`);
  return value;
}

function versionFlag(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag}: expected a version number, got "${value}"`);
  return Number(value);
}
