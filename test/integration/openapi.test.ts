import type express from 'express';
import { createApp } from '../../api/app';
import { HTTP_METHODS, openApiDocument } from '../../api/openapi';
import { receiveSubmission } from '../../services/onboarding';
import { insertGoldenRecord } from '../../store/customers';
import { openTask } from '../../store/tasks';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

/** The parts of an Express 5 router layer the walk reads (the `router` package's Layer and Route). */
interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}

/** "METHOD /path" of every route the app registers, in OpenAPI path syntax. */
function registeredRoutes(app: express.Express): string[] {
  const walk = (stack: RouterLayer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const path = openApiPath(prefix + plainPath(layer.route.path));
        return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${path}`);
      }
      if (layer.handle.stack) return walk(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : plainPath(layer.rawPath)));
      return [];
    });
  return walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
}

/** Only plain paths with :params are translated; anything else fails here rather than being skipped. */
function plainPath(path: unknown): string {
  if (typeof path !== 'string' || /[*{}()?]/.test(path)) throw new Error(`the route walk does not read the path ${String(path)}: extend it`);
  return path;
}

function openApiPath(expressPath: string): string {
  return (expressPath.replace(/\/+$/, '') || '/').replace(/:(\w+)/g, '{$1}');
}

function documentedRoutes(document: typeof openApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** Every value of `key` anywhere in a JSON value. */
function valuesOf(value: unknown, key: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesOf(item, key));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([name, child]) => (name === key ? [child] : []).concat(valuesOf(child, key)));
}

/** The target of a local JSON pointer reference, or undefined when it points nowhere. */
function resolveRef(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, token) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[token] : undefined), document);
}

describe('the OpenAPI document and the metrics', () => {
  let platform: TestPlatform;
  let served: any;

  beforeAll(async () => {
    platform = await startTestPlatform({ withWorker: false });
    const response = await call(platform.baseUrl, 'GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    served = response.body;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('is served without a token, while the rest of /api still needs one', async () => {
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    expect((await call(platform.baseUrl, 'GET', '/api/me')).status).toBe(401);
  });

  it('has the shape of an OpenAPI 3.1 document', () => {
    expect(served.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof served.info.title).toBe('string');
    expect(typeof served.info.version).toBe('string');
    const operations = Object.entries(served.paths as Record<string, Record<string, any>>).flatMap(([path, item]) => {
      expect(path.startsWith('/')).toBe(true);
      return HTTP_METHODS.filter((method) => item[method]).map((method) => ({ path, operation: item[method] }));
    });
    expect(operations.length).toBeGreaterThan(0);
    for (const { path, operation } of operations) {
      expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
      // every {name} in the path is declared as a path parameter of the operation
      const declared = (operation.parameters ?? [])
        .map((parameter: any) => (parameter.$ref ? resolveRef(served, parameter.$ref) : parameter))
        .filter((parameter: any) => parameter.in === 'path')
        .map((parameter: any) => parameter.name)
        .sort();
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      expect({ path, parameters: declared }).toEqual({ path, parameters: templated });
    }
    const operationIds = operations.map(({ operation }) => operation.operationId);
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('resolves every $ref inside the document', () => {
    const refs = valuesOf(served, '$ref');
    expect(refs.length).toBeGreaterThan(0);
    const unresolved = refs.filter((ref) => typeof ref !== 'string' || resolveRef(served, ref) === undefined);
    expect(unresolved).toEqual([]);
  });

  it('describes exactly the routes the app registers, with their methods', () => {
    const app = createApp({
      db: platform.database.db,
      rules: platform.rules,
      temporal: platform.client,
      taskQueue: platform.taskQueue,
      onboardingWaitMs: 0,
      publicUrl: 'http://127.0.0.1',
      outboxEnabled: true,
      log: () => undefined,
    });
    const registered = registeredRoutes(app);
    expect(registered).toContain('POST /api/sites/{site}/customers');
    expect([...new Set(registered)].sort()).toEqual(documentedRoutes(openApiDocument).sort());
  });

  it('exposes record and task counts and the uptime at /metrics, without a token or personal data', async () => {
    const db = platform.database.db;
    const siteId = platform.rules.siteIds()[0];
    const record = { givenName: 'Zéphyrine', familyName: 'Quastrovic', email: 'zephyrine@example.test' };
    const { sourceRecord } = await receiveSubmission(db, { siteId, sourceSystem: 'crm', sourceId: 'M-1', record }, 'test');
    const golden = await insertGoldenRecord(db, siteId, { record, provenance: {}, nameKey: null, rulesVersion: 'test' });
    await openTask(db, {
      siteId,
      type: 'duplicate_review',
      idempotencyKey: 'metrics-test',
      workflowId: 'review:metrics-test',
      sourceRecordId: sourceRecord.id,
      customerId: golden.id,
      rulesVersion: 'test',
    });

    const response = await fetch(`${platform.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('# TYPE stewardship_source_records gauge\n');
    expect(text).toContain('stewardship_source_records{status="received"} 1\n');
    expect(text).toContain('stewardship_golden_records{status="active"} 1\n');
    expect(text).toContain('stewardship_open_tasks{type="duplicate_review"} 1\n');
    expect(text).toMatch(/^stewardship_process_uptime_seconds \d+(\.\d+)?$/m);
    for (const value of Object.values(record)) expect(text).not.toContain(value);
  });
});
