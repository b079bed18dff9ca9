import path from 'node:path';
import { formatRuleFileError, type RuleFileError } from '../core/rules/rule-file-error';
import { parseRuleFile } from '../core/rules/parse-rule-file';
import type { GlobalRuleFile } from '../core/rules/types';
import { schemaErrors } from '../core/rules/schemas';
import { validateGlobalRuleFile, validateSiteRuleFile } from '../core/rules/validate';
import { readRuleFile, readRuleSet, siteFileNames } from '../runtime/rule-files';
import { UsageError } from './cli/arguments';
import { API_COMMANDS, API_USAGE, runRulesApiCommand } from './rules/api-commands';

const RULES_DIRECTORY = path.join(__dirname, '..', 'rules');

const USAGE = `usage: npm run rules -- validate [path...]
  without paths: validates rules/ as a whole (global.json, every sites/*.json, locks), offline
  with paths: validates those files; a file in a sites/ folder is read against the global.json beside that folder
${API_USAGE}`;

/** Validates the whole rules directory; every file is reported, as an error or as ok. */
function validateDirectory(directory: string): RuleFileError[] {
  const ruleSet = readRuleSet(directory);
  const errors = ruleSet.ok ? [] : ruleSet.errors;
  reportFiles(['global.json', ...siteFileNames(directory)], errors, (file) => path.relative(process.cwd(), path.join(directory, file)));
  return errors;
}

/** Validates the files named on the command line, each as a global or a site file. */
function validatePaths(paths: string[]): RuleFileError[] {
  const errors = paths.flatMap((filePath) =>
    path.basename(path.dirname(path.resolve(filePath))) === 'sites' ? validateSitePath(filePath) : validateGlobalPath(filePath),
  );
  reportFiles(paths, errors, (file) => file);
  return errors;
}

function validateGlobalPath(filePath: string): RuleFileError[] {
  const read = readAndParse(filePath);
  return read.ok ? validateGlobalRuleFile(read.document, filePath) : [read.error];
}

function validateSitePath(filePath: string): RuleFileError[] {
  const site = readAndParse(filePath);
  if (!site.ok) return [site.error];
  const globalPath = path.join(path.dirname(filePath), '..', 'global.json');
  const global = readAndParse(globalPath);
  const globalErrors = global.ok ? validateGlobalRuleFile(global.document, globalPath) : [global.error];
  if (global.ok && globalErrors.length === 0) {
    return validateSiteRuleFile(site.document, filePath, global.document as GlobalRuleFile);
  }
  const unchecked = { file: filePath, pointer: '', reason: `checked against the site schema only: the global file beside it (${globalPath}) is invalid` };
  return [unchecked, ...schemaErrors('site', site.document, filePath), ...globalErrors];
}

function readAndParse(filePath: string) {
  const read = readRuleFile(path.dirname(filePath), path.basename(filePath));
  if (!read.ok) return { ok: false as const, error: { ...read.error, file: filePath } };
  return parseRuleFile(filePath, read.file.text);
}

function reportFiles(files: string[], errors: RuleFileError[], displayName: (file: string) => string): void {
  // a site file checked against an invalid global file repeats the global file's errors
  const lines = new Set(errors.map((error) => formatRuleFileError({ ...error, file: displayName(error.file) })));
  for (const line of lines) console.error(line);
  for (const file of files) {
    if (!errors.some((error) => error.file === file)) console.log(`${displayName(file)}: ok`);
  }
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if ((API_COMMANDS as readonly string[]).includes(command)) {
    return runRulesApiCommand(command, rest, { env: process.env, print: (line) => console.log(line), printError: (line) => console.error(line) });
  }
  if (command !== 'validate') {
    console.error(USAGE);
    return 2;
  }
  const errors = rest.length === 0 ? validateDirectory(RULES_DIRECTORY) : validatePaths(rest);
  return errors.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : error instanceof Error ? error.stack : error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
