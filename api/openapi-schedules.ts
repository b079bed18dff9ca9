import type { HttpMethod, Operation, Schema } from './openapi';

// The schedule API is the same for every kind (services/schedules): one description of it,
// instantiated for audits and for purges. Component references ($ref) point into the main document.

type Response = Operation['responses'][string];

/** What differs between kinds in the document. */
export interface ScheduleKindDoc {
  /** audit: paths /api/audit-schedules…, components AuditSchedule… */
  kind: string;
  component: string;
  tag: string;
  /** what a run does, e.g. "the audit of a site" */
  runs: string;
  workflowType: string;
  /** the kind's own fields, in the request and in the schedule */
  options: Record<string, Schema>;
  requiredOptions: readonly string[];
}

export const AUDIT_SCHEDULE_DOC: ScheduleKindDoc = {
  kind: 'audit', component: 'Audit', tag: 'audits', runs: 'the audit of a site', workflowType: 'auditRun', options: {}, requiredOptions: [],
};
export const PURGE_SCHEDULE_DOC: ScheduleKindDoc = {
  kind: 'purge',
  component: 'Purge',
  tag: 'retention',
  runs: 'the retention purge (or dry run) of a site',
  workflowType: 'purge',
  options: { dryRun: { type: 'boolean', description: 'true: each run only counts what has expired and changes nothing' } },
  requiredOptions: ['dryRun'],
};

const string: Schema = { type: 'string' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const schemaRef = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string): Response => ({ $ref: `#/components/responses/${name}` });
const json = (schema: Schema, description: string): Response => ({ description, content: { 'application/json': { schema } } });
const errorBecause = (description: string): Response => json(schemaRef('Error'), description);
const guarded = { '401': responseRef('Unauthenticated'), '403': responseRef('Forbidden') };
const idParameter = { name: 'id', in: 'path' as const, required: true, description: 'schedule id', schema: string };
const note: Schema = { type: 'string', maxLength: 500 };

/** The timing every kind shares. */
export const scheduleTiming: Schema = {
  type: 'object',
  description: 'When runs start: cron or interval (not both), read in timeZone.',
  properties: {
    cron: { type: 'string', description: 'five fields: minute hour day-of-month month day-of-week, or @daily, @weekly, …', examples: ['0 6 * * 1'] },
    interval: { type: 'string', description: 'ISO 8601 in weeks to minutes (P1D, PT12H) or short (1d, 12h, 2w); at least one hour', examples: ['P1D'] },
    timeZone: { type: 'string', description: 'IANA time zone', examples: ['Europe/Paris'] },
  },
};

/** The components <Kind>ScheduleRequest, <Kind>ScheduleChange and <Kind>Schedule. */
export function scheduleSchemas(doc: ScheduleKindDoc): Record<string, Schema> {
  const view = {
    id: { type: 'string', examples: [`${doc.kind}-schedule:fr-paris-hq:9f2c41d0`] },
    siteId: string,
    cron: nullable(string),
    interval: nullable(string),
    timeZone: string,
    ...doc.options,
    status: { enum: ['active', 'paused', 'missing'], description: 'missing: the Temporal schedule was deleted outside the API; DELETE clears the record' },
    note: nullable(string),
    createdBy: { type: 'string', description: 'user id' },
    createdAt: dateTime,
    nextRunTimes: arrayOf(dateTime),
    recentRuns: arrayOf({
      type: 'object',
      properties: { workflowId: { type: 'string', examples: [`${doc.kind}:fr-paris-hq:9f2c41d0-2026-11-30T05:00:00Z`] }, scheduledAt: dateTime, startedAt: dateTime },
      required: ['workflowId', 'scheduledAt', 'startedAt'],
    }),
  } satisfies Record<string, Schema>;
  return {
    [`${doc.component}ScheduleRequest`]: {
      allOf: [schemaRef('ScheduleTiming'), { type: 'object', properties: { siteId: string, ...doc.options, note }, required: ['siteId', 'timeZone', ...doc.requiredOptions] }],
    },
    [`${doc.component}ScheduleChange`]: {
      allOf: [schemaRef('ScheduleTiming'), { type: 'object', properties: { paused: { type: 'boolean', description: 'true pauses, false resumes' }, ...doc.options, note } }],
    },
    [`${doc.component}Schedule`]: { type: 'object', description: `A Temporal Schedule that starts ${doc.runs}.`, properties: view, required: Object.keys(view) },
  };
}

/** /api/<kind>-schedules and its /{id} and /{id}/trigger. */
export function schedulePaths(doc: ScheduleKindDoc): Record<string, Partial<Record<HttpMethod, Operation>>> {
  const base = `/api/${doc.kind}-schedules`;
  const Kind = doc.component;
  const schedule = schemaRef(`${Kind}Schedule`);
  const tags = [doc.tag];
  const fieldNames = ['cron', 'interval', 'timeZone', ...Object.keys(doc.options)].join(', ');
  return {
    [base]: {
      post: {
        operationId: `create${Kind}Schedule`,
        summary: `Schedule ${doc.runs} (compliance and admins of the site)`,
        description: `A Temporal Schedule that starts the workflow ${doc.workflowType} as ${doc.kind}:<site>:<schedule suffix>-<scheduled time>; a run still going when the next is due makes the next one skip.`,
        tags,
        requestBody: { required: true, content: { 'application/json': { schema: schemaRef(`${Kind}ScheduleRequest`) } } },
        responses: {
          '201': json(schedule, 'scheduled'),
          '400': errorBecause(`a bad ${fieldNames}, or no siteId: details.field names the field`),
          ...guarded,
          '404': responseRef('UnknownSite'),
        },
      },
      get: {
        operationId: `list${Kind}Schedules`,
        summary: `The ${doc.kind} schedules of the caller's sites`,
        tags,
        parameters: [{ name: 'site', in: 'query', description: 'only this site', schema: string }],
        responses: { '200': json({ type: 'object', properties: { schedules: arrayOf(schedule) }, required: ['schedules'] }, 'the schedules'), ...guarded, '404': responseRef('UnknownSite') },
      },
    },
    [`${base}/{id}`]: {
      get: {
        operationId: `get${Kind}Schedule`,
        summary: `A ${doc.kind} schedule, its next and recent runs`,
        tags,
        parameters: [idParameter],
        responses: { '200': json(schedule, 'the schedule'), ...guarded, '404': responseRef('NotFound') },
      },
      patch: {
        operationId: `change${Kind}Schedule`,
        summary: `Pause, resume, or change the timing${Object.keys(doc.options).length > 0 ? ` or ${Object.keys(doc.options).join(', ')}` : ''} of a ${doc.kind} schedule`,
        tags,
        parameters: [idParameter],
        requestBody: { required: true, content: { 'application/json': { schema: schemaRef(`${Kind}ScheduleChange`) } } },
        responses: {
          '200': json(schedule, 'the schedule as changed'),
          '400': errorBecause('a bad value: details.field names the field'),
          ...guarded,
          '404': responseRef('NotFound'),
        },
      },
      delete: {
        operationId: `delete${Kind}Schedule`,
        summary: `Delete a ${doc.kind} schedule (runs already started go on)`,
        tags,
        parameters: [idParameter],
        responses: { '204': { description: 'deleted' }, ...guarded, '404': responseRef('NotFound') },
      },
    },
    [`${base}/{id}/trigger`]: {
      post: {
        operationId: `trigger${Kind}Schedule`,
        summary: `Run ${doc.runs} now (409 while a run of this schedule is still going)`,
        tags,
        parameters: [idParameter],
        responses: {
          '202': json({ type: 'object', properties: { scheduleId: string, triggered: { const: true } }, required: ['scheduleId', 'triggered'] }, 'asked Temporal to start a run: GET the schedule for its recentRuns'),
          ...guarded,
          '404': responseRef('NotFound'),
          '409': errorBecause('a run of this schedule is still going (details.workflowId names it): trigger again when it has finished'),
        },
      },
    },
  };
}
