/** The API answered with an error, or could not be reached: the message says which and why. */
export class RulesApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface RulesApiTarget {
  url: string;
  token: string;
}

/** One JSON call to the admin rules API; an error answer becomes a RulesApiError with the API's message. */
export async function rulesApi<T>(target: RulesApiTarget, method: string, urlPath: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(urlPath, target.url), {
      method,
      headers: { authorization: `Bearer ${target.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new RulesApiError(`cannot reach the API at ${target.url}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  const text = await response.text();
  const parsed = text === '' ? undefined : safeJson(text);
  if (!response.ok) {
    const error = (parsed as { error?: { message?: string; details?: unknown } } | undefined)?.error;
    throw new RulesApiError(`the API answered ${response.status}: ${error?.message ?? text}`, response.status, error?.details);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
