import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ImportProgress } from '../../core/imports/import';

/** The API refused or failed: its message, as it gave it. */
export class ImportApiError extends Error {}

export interface ImportTarget {
  url: string;
  token: string;
}

export interface StartedImport {
  importId: string;
  workflowId: string;
  status: string;
  totalRows: number;
}

/** Streams the file as the request body: a large file is never read into memory. */
export async function uploadCsv(target: ImportTarget, file: { path: string; site: string; sourceSystem: string }): Promise<StartedImport> {
  const query = new URLSearchParams({ sourceSystem: file.sourceSystem, fileName: path.basename(file.path) });
  const response = await request(target, `/api/sites/${encodeURIComponent(file.site)}/imports?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: Readable.toWeb(fs.createReadStream(file.path)) as ReadableStream,
    duplex: 'half',
  });
  return (await response.json()) as StartedImport;
}

export async function fetchImport(target: ImportTarget, importId: string): Promise<ImportProgress> {
  const response = await request(target, `/api/imports/${encodeURIComponent(importId)}`, {});
  return (await response.json()) as ImportProgress;
}

async function request(target: ImportTarget, urlPath: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(new URL(urlPath, target.url), { ...init, headers: { ...init.headers, authorization: `Bearer ${target.token}` } });
  } catch (error) {
    throw new ImportApiError(`cannot reach the API at ${target.url}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  if (!response.ok) throw new ImportApiError(`the API answered ${response.status}: ${await errorMessage(response)}`);
  return response;
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    return body.error?.message ?? text;
  } catch {
    return text;
  }
}
