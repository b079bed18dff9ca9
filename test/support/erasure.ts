import { call, type TestPlatform } from './platform';

/** Polls an erasure request until it left `status`, and returns it. */
export async function erasureRequestPast(platform: TestPlatform, token: string, requestId: string, status: string, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const request = await call(platform.baseUrl, 'GET', `/api/erasure-requests/${requestId}`, { token });
    if (request.status !== 200) throw new Error(`GET erasure request answered ${request.status}: ${JSON.stringify(request.body)}`);
    if (request.body.status !== status) return request.body;
    if (Date.now() > deadline) throw new Error(`erasure request ${requestId} still ${status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
