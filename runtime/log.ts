/** Log lines carry ids and counts, never personal data. */
export type Log = (line: string) => void;

export function createLog(component: string): Log {
  return (line) => process.stderr.write(`${new Date().toISOString()} [${component}] ${line}\n`);
}
