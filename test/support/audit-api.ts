import { call } from './platform';

/** Starts an audit of the site over the API as its compliance officer, and answers the run once it
 * has finished (completed or failed). */
export async function auditNowOverApi(baseUrl: string, officerToken: string, siteId: string): Promise<any> {
  const started = await call(baseUrl, 'POST', `/api/sites/${siteId}/audit-runs`, { token: officerToken });
  if (started.status !== 202) throw new Error(`audit of ${siteId} not started: ${started.status} ${JSON.stringify(started.body)}`);
  return finishedAuditRun(baseUrl, officerToken, started.body.runId);
}

/** The run once it has finished, polled over the API (at most 30 s). */
export async function finishedAuditRun(baseUrl: string, token: string, runId: string): Promise<any> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const { body } = await call(baseUrl, 'GET', `/api/audit-runs/${runId}`, { token });
    if (body.status === 'completed' || body.status === 'failed') return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`audit run ${runId} did not finish`);
}
