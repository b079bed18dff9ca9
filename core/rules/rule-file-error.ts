/** One thing wrong with a rule file: which file (relative to the rules directory), where in it (a
 * JSON pointer, "" for the whole file) and why, in words that say what to do. */
export interface RuleFileError {
  file: string;
  pointer: string;
  reason: string;
}

export function formatRuleFileError(error: RuleFileError): string {
  return `${error.file}: ${error.pointer || '/'}: ${error.reason}`;
}

/** Thrown when no valid rule set can be put in force; carries every error found. */
export class RulesError extends Error {
  constructor(readonly errors: RuleFileError[]) {
    super(`invalid rule files:\n${errors.map(formatRuleFileError).join('\n')}`);
    this.name = 'RulesError';
  }
}
