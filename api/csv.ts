import type { Response } from 'express';

/** One CSV value, quoted when it holds a separator, a quote or a line break (RFC 4180). */
export function csvValue(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Streams CSV lines to the response, waiting when the client reads slower than we write. */
export async function writeCsv(res: Response, header: readonly string[], lines: AsyncIterable<readonly string[]>): Promise<void> {
  res.write(`${header.map(csvValue).join(',')}\r\n`);
  for await (const values of lines) {
    if (!res.write(`${values.map(csvValue).join(',')}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}
