import { AUDIT_CHECK_TYPES, SEVERITIES } from '../core/audits/types';
import { CUSTOMER_FIELDS } from '../core/customer';
import { IMPORT_ROW_OUTCOMES, type ImportStatus } from '../core/imports/import';
import type { MatchBand } from '../core/matching/score';
import type { SourceRecordStatus } from '../store/source-records';
import { REVIEW_DECISIONS } from '../core/review';
import type { TaskStatus, TaskType } from '../store/tasks';
import { ROLES } from '../store/users';
import { retentionPaths } from './openapi-retention';
import { AUDIT_SCHEDULE_DOC, PURGE_SCHEDULE_DOC, scheduleSchemas, schedulePaths, scheduleTiming } from './openapi-schedules';

// Just the parts of OpenAPI 3.1 this document uses, so the compiler checks its shape.

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** A JSON Schema 2020-12 subset (OpenAPI 3.1 schemas are JSON Schema). */
export interface Schema {
  $ref?: string;
  type?: JsonType | readonly JsonType[];
  description?: string;
  format?: string;
  enum?: readonly (string | null)[];
  const?: string | boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, Schema>;
  propertyNames?: Schema;
  required?: readonly string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: readonly Schema[];
  allOf?: readonly Schema[];
  examples?: readonly unknown[];
}

interface Reference {
  $ref: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  description?: string;
  schema: Schema;
}

interface MediaType {
  schema: Schema;
  example?: unknown;
}

interface RequestBody {
  description?: string;
  required: boolean;
  content: Record<string, MediaType>;
}

interface ResponseObject {
  description: string;
  content?: Record<string, MediaType>;
}

type SecurityRequirement = Record<string, readonly string[]>;

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** [] for a route that needs no token; otherwise the document's default applies */
  security?: readonly SecurityRequirement[];
  parameters?: readonly (Parameter | Reference)[];
  requestBody?: RequestBody;
  responses: Record<string, ResponseObject | Reference>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
type PathItem = Partial<Record<HttpMethod, Operation>>;

interface SecurityScheme {
  type: 'http' | 'apiKey';
  description: string;
  scheme?: 'bearer';
  bearerFormat?: string;
  name?: string;
  in?: 'query' | 'header';
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  security: readonly SecurityRequirement[];
  tags: readonly { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, Schema>;
    responses: Record<string, ResponseObject>;
    parameters: Record<string, Parameter>;
    securitySchemes: Record<string, SecurityScheme>;
  };
}

// Helpers that keep the document below readable.

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string): Reference => ({ $ref: `#/components/responses/${name}` });
const parameterRef = (name: string): Reference => ({ $ref: `#/components/parameters/${name}` });
const string: Schema = { type: 'string' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const uuid: Schema = { type: 'string', format: 'uuid' };
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
/** An object whose listed properties are all present (nullable ones say so). */
const record = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  required: Object.keys(properties),
});
const json = (schema: Schema, description: string): ResponseObject => ({ description, content: { 'application/json': { schema } } });
const pathParameter = (name: string, description: string, schema: Schema = string): Parameter => ({ name, in: 'path', required: true, description, schema });
const queryParameter = (name: string, description: string, schema: Schema = string): Parameter => ({ name, in: 'query', description, schema });

/** Every member of a string union, checked by the compiler both ways (none missing, none extra),
 * for types that exist only as unions in the code. */
const everyValueOf =
  <T extends string>() =>
  <const V extends readonly T[]>(values: V & ([T] extends [V[number]] ? unknown : never)): V =>
    values;

const TASK_TYPES = everyValueOf<TaskType>()(['duplicate_review', 'data_fix', 'erasure_approval']);
const TASK_STATUSES = everyValueOf<TaskStatus>()(['open', 'decided', 'expired', 'cancelled', 'resolved']);
const SOURCE_RECORD_STATUSES = everyValueOf<SourceRecordStatus>()(['received', 'linked', 'pending_review', 'rejected']);
const IMPORT_STATUSES = everyValueOf<ImportStatus>()(['receiving', 'running', 'completed', 'failed']);
const MATCH_BANDS = everyValueOf<MatchBand>()(['autoLink', 'review', 'distinct']);

const onboardingOutcome = (outcome: string, properties: Record<string, Schema>): Schema =>
  record({ outcome: { const: outcome }, sourceRecordId: uuid, ...properties, rulesVersion: ref('RulesVersion') });

const goldenRecordProperties: Record<string, Schema> = {
  id: uuid,
  status: { type: 'string', examples: ['active'] },
  record: ref('CustomerRecord'),
  version: { type: 'integer' },
  rulesVersion: ref('RulesVersion'),
  createdAt: dateTime,
  updatedAt: dateTime,
};

const schemas: Record<string, Schema> = {
  Error: record(
    {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string', description: 'machine-readable, e.g. not_found, forbidden, invalid_record, malformed_json' },
          message: { type: 'string', description: 'what is wrong and where, for a person' },
          details: { description: 'more about the error when there is more, e.g. every problem of a record' },
        },
        required: ['code', 'message'],
      },
    },
    'The body of every error response.',
  ),
  RecordProblem: record(
    { field: { type: 'string', examples: ['record.email'] }, rule: { type: 'string', examples: ['format'] }, expected: string },
    'One thing wrong with a record. Never holds the value itself.',
  ),
  ValidationDetails: record({ problems: arrayOf(ref('RecordProblem')) }),
  CustomerRecord: {
    type: 'object',
    description: 'A customer record: every value a string, any may be missing. Normalised records hold canonical forms: birthDate YYYY-MM-DD, phone E.164, email lower case, country ISO 3166-1 alpha-2.',
    properties: Object.fromEntries(CUSTOMER_FIELDS.map((field) => [field, string])),
    additionalProperties: false,
  },
  RulesVersion: { type: 'string', description: 'content hash of the rule files a decision was made under' },
  User: record({
    id: uuid,
    email: { type: 'string', format: 'email' },
    name: string,
    roles: arrayOf({ enum: ROLES }),
    sites: arrayOf({ type: 'string', description: 'a site id, or * for every site' }),
  }),
  Site: record({
    id: string,
    name: string,
    country: { type: 'string', description: 'ISO 3166-1 alpha-2' },
    timeZone: { type: 'string', description: 'IANA time zone' },
    jurisdiction: { type: 'string', examples: ['EU-GDPR'] },
    rulesVersion: ref('RulesVersion'),
  }),
  Submission: {
    type: 'object',
    properties: {
      sourceSystem: { type: 'string', minLength: 1, maxLength: 200, examples: ['crm'] },
      sourceId: { type: 'string', minLength: 1, maxLength: 200, description: 'the record id in the source system' },
      record: ref('CustomerRecord'),
    },
    required: ['sourceSystem', 'sourceId', 'record'],
  },
  RecordRevision: {
    type: 'object',
    properties: {
      sourceRecordId: uuid,
      revised: { type: 'boolean', description: 'false when the record already had this content' },
      status: { enum: SOURCE_RECORD_STATUSES },
      customerId: { type: ['string', 'null'], format: 'uuid' },
      rulesVersion: string,
    },
    required: ['sourceRecordId', 'revised', 'status', 'customerId', 'rulesVersion'],
  },
  OnboardingOutcome: {
    oneOf: [
      onboardingOutcome('created', { customerId: uuid }),
      onboardingOutcome('linked', { customerId: uuid, probability: { type: 'number' } }),
      onboardingOutcome('review', { taskId: uuid, candidateCustomerId: uuid, probability: { type: 'number' } }),
      onboardingOutcome('rejected', { problems: arrayOf(ref('RecordProblem')) }),
    ],
  },
  OnboardingStatus: record({
    workflowId: { type: 'string', examples: ['onboarding:paris:crm:C-1001'] },
    sourceRecordId: uuid,
    status: { enum: ['completed', 'running', 'failed'] },
    outcome: nullable(ref('OnboardingOutcome')),
  }),
  GoldenRecord: record(goldenRecordProperties),
  CustomerList: record({ customers: arrayOf(ref('GoldenRecord')), limit: { type: 'integer' }, offset: { type: 'integer' } }),
  FieldScore: record({
    field: { type: 'string', description: 'a customer field, or fullName' },
    comparator: string,
    level: { type: 'string', description: 'the agreement level the comparator found, e.g. exact, close, different' },
    weight: { type: 'number', description: 'log2(m/u) of that level, in bits' },
  }),
  MatchExplanation: record(
    {
      probability: { type: 'number', minimum: 0, maximum: 1 },
      weight: { type: 'number', description: 'sum of the field weights, in bits' },
      band: { enum: MATCH_BANDS },
      comparedWith: nullable({ ...uuid, description: 'the source record it was compared with' }),
      fields: arrayOf(ref('FieldScore')),
      rulesVersion: ref('RulesVersion'),
    },
    'Why a source record was linked to this golden record.',
  ),
  SourceRecordView: {
    type: 'object',
    description: "A source record of a golden record. sourceId and record are left out for sites the caller may not act on (restricted: true).",
    properties: {
      id: uuid,
      siteId: string,
      sourceSystem: string,
      sourceId: string,
      status: { enum: SOURCE_RECORD_STATUSES },
      receivedAt: dateTime,
      record: nullable(ref('CustomerRecord')),
      restricted: { type: 'boolean', const: true },
      rulesVersion: nullable(ref('RulesVersion')),
      match: nullable(ref('MatchExplanation')),
    },
    required: ['id', 'siteId', 'sourceSystem', 'status', 'receivedAt', 'match'],
  },
  LineageEntry: record({
    id: { type: 'integer' },
    entityType: { enum: ['customer', 'source_record'] },
    entityId: uuid,
    action: string,
    before: { description: 'the values before the change, when it changed any' },
    after: { description: 'the values after the change' },
    actor: { type: 'string', description: 'a user id or a workflow id' },
    rulesVersion: nullable(ref('RulesVersion')),
    at: dateTime,
  }),
  CustomerView: record(
    {
      ...goldenRecordProperties,
      provenance: {
        type: 'object',
        description: 'for each field of the golden record: the source record its value came from, and the survivorship strategy that chose it',
        propertyNames: { enum: CUSTOMER_FIELDS },
        additionalProperties: record({ sourceRecordId: uuid, strategy: string }),
      },
      sourceRecords: arrayOf(ref('SourceRecordView')),
      lineage: arrayOf(ref('LineageEntry')),
    },
    'A golden record with where each value came from, its source records and its lineage.',
  ),
  Task: record({
    id: uuid,
    siteId: string,
    type: { enum: TASK_TYPES },
    status: { enum: TASK_STATUSES },
    workflowId: nullable(string),
    sourceRecordId: nullable(uuid),
    customerId: nullable(uuid),
    matchEvaluationId: nullable(uuid),
    details: { type: 'object' },
    assignee: nullable(string),
    dueAt: nullable(dateTime),
    decision: nullable(string),
    decidedBy: nullable(string),
    decidedVia: nullable(string),
    decidedAt: nullable(dateTime),
    rulesVersion: ref('RulesVersion'),
    createdAt: dateTime,
    updatedAt: dateTime,
  }),
  TaskList: record({ tasks: arrayOf(ref('Task')), total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } }),
  TaskHistory: record({
    decisions: arrayOf(record({ decision: string, decidedBy: string, via: string, comment: nullable(string), rulesVersion: ref('RulesVersion'), at: dateTime })),
    comments: arrayOf(record({ author: string, comment: string, at: dateTime })),
  }),
  Decision: record({ decision: { enum: [...REVIEW_DECISIONS] }, comment: string }, 'merge, keepDistinct, or defer (defer needs a comment)'),
  DecisionResult: record({
    taskId: uuid,
    state: { enum: ['decided', 'recorded'], description: 'decided: the task is closed; recorded: an approval towards a quorum, or a deferral' },
    decision: { enum: [...REVIEW_DECISIONS] },
    decidedBy: string,
    approvals: { type: 'integer' },
    quorum: { type: 'integer' },
  }),
  Unmerged: record({ customerId: uuid, newCustomerId: uuid }),
  OutboxMessage: record({
    id: uuid,
    to: arrayOf(string),
    from: nullable(string),
    subject: nullable(string),
    text: nullable(string),
    html: nullable(string),
    receivedAt: dateTime,
  }),
  ImportStarted: record({
    importId: uuid,
    workflowId: string,
    status: { enum: IMPORT_STATUSES },
    totalRows: { type: 'integer', description: 'data rows staged from the file' },
  }),
  ImportProgress: record(
    {
      importId: uuid,
      siteId: string,
      sourceSystem: string,
      fileName: nullable(string),
      status: { enum: IMPORT_STATUSES },
      workflowId: nullable(string),
      totalRows: { type: 'integer' },
      processedRows: { type: 'integer' },
      counts: record(Object.fromEntries(IMPORT_ROW_OUTCOMES.map((outcome) => [outcome, { type: 'integer' }]))),
      createdBy: string,
      createdAt: dateTime,
      finishedAt: nullable(dateTime),
    },
    'An import: ids, figures and dates, no personal data.',
  ),
  RuleFileError: record(
    {
      file: { type: 'string', examples: ['sites/fr-lyon-store.json'] },
      pointer: { type: 'string', description: 'JSON pointer into the file ("" for the whole file)', examples: ['/matching/thresholds/autoLink'] },
      reason: { type: 'string', description: 'what is wrong and what to do' },
    },
    'One thing wrong with a rule file.',
  ),
  RuleFileBody: {
    type: 'object',
    description: 'A rule file: either its text as written (kept and exported as is) or its parsed content (kept as two-space JSON).',
    properties: { text: string, content: { type: 'object', description: 'the rule file as JSON (rules/schema/*.schema.json)' } },
  },
  RulePublication: record(
    {
      scope: { type: 'string', description: '"global" or a site id', examples: ['fr-lyon-store'] },
      file: { type: 'string', examples: ['sites/fr-lyon-store.json'] },
      version: { type: 'integer', minimum: 1 },
      contentHash: { type: 'string', description: 'sha256 of the canonical JSON of the file' },
      author: { type: 'string', description: 'user id, or rules-files for the import of the files on a first start' },
      authorEmail: nullable(string),
      comment: string,
      publishedAt: dateTime,
      approvedBy: nullable({ type: 'string', description: 'user id of who approved it (the publisher when no second admin is needed)' }),
      approvedByEmail: nullable(string),
      restoresVersion: nullable({ type: 'integer', description: 'set on a rollback: the version whose content this restores' }),
    },
    'One published version of a rule file.',
  ),
  RuleDraft: record({
    id: uuid,
    scope: string,
    baseVersion: { type: 'integer', description: 'the published version it started from; publish refuses it (409) once another version is published' },
    author: string,
    createdAt: dateTime,
    updatedAt: dateTime,
  }),
  PublishedVersion: record({
    state: { const: 'published' },
    scope: string,
    version: { type: 'integer' },
    contentHash: string,
    publishedAt: dateTime,
    author: string,
    approvedBy: string,
    comment: string,
    restoresVersion: nullable({ type: 'integer' }),
    rulesVersions: { type: 'object', description: 'site id -> the rules version its decisions record from now on', additionalProperties: ref('RulesVersion') },
  }),
  RuleImpact: record({
    scope: string,
    draftId: uuid,
    baseVersion: { type: 'integer' },
    sites: arrayOf(
      record({
        siteId: string,
        matching: {
          type: 'object',
          description: 'changed: false when the draft leaves matching as it is; otherwise total, examined, sampled, pairs, bandChanges [{ from, to, count }], linksChangingBand, reviewTasks { wouldAppear, wouldGo }; or computed: false and reason when the data did not come within the time budget',
          properties: { changed: { type: 'boolean' } },
          required: ['changed'],
        },
        survivorship: {
          type: 'object',
          description: 'changed: false when the draft leaves survivorship as it is; otherwise total, examined, sampled, goldenRecords, changing, fieldChanges { field: count }; or computed: false and reason when the data did not come within the time budget',
          properties: { changed: { type: 'boolean' } },
          required: ['changed'],
        },
        audits: ref('RuleImpactAudits'),
      }),
    ),
    notExamined: arrayOf({ type: 'string', description: 'sites the time budget did not reach' }),
    sampleLimit: { type: 'integer' },
    elapsedMs: { type: 'integer' },
  }),
  RuleImpactAudits: {
    type: 'object',
    description:
      'The audit scorecard under the rules in force and under the draft, over the same current records of the site (the audit engine\'s checks, read-only; nothing is stored). changed: false when the draft changes neither the audit checks nor what they read (fields.required, fields.patterns, fields.birthDate, normalisation.defaultCountry); computed: false with a reason when the checks did not finish within the time budget.',
    properties: {
      changed: { type: 'boolean' },
      computed: { type: 'boolean' },
      reason: string,
      total: { type: 'integer', description: 'the site\'s audited records' },
      examined: { type: 'integer', description: 'the records scored: all of them, or a fixed sample of sampleLimit' },
      sampled: { type: 'boolean' },
      checks: arrayOf(
        record({
          checkId: string,
          change: { enum: ['added', 'removed', 'changed', 'unchanged'] },
          now: nullable(ref('AuditCheckVerdict')),
          draft: nullable(ref('AuditCheckVerdict')),
        }),
      ),
      added: arrayOf({ type: 'string', description: 'check ids the draft adds' }),
      removed: arrayOf({ type: 'string', description: 'check ids the draft removes' }),
      wouldStartFailing: arrayOf({ type: 'string', description: 'checks passing now (or new) that would fail under the draft' }),
      wouldStartPassing: arrayOf({ type: 'string', description: 'checks failing now that would pass under the draft' }),
      fixTaskChecks: {
        type: 'object',
        description: 'failing checks at or above audits.fixTasks.minSeverity: those whose rows get data-fix tasks at an audit',
        properties: { now: arrayOf(string), draft: arrayOf(string) },
        required: ['now', 'draft'],
      },
      fixTasks: {
        type: 'object',
        description:
          'what an audit run would do to the data-fix tasks, now and under the draft, over the records examined: tasks it would open (customers with a failing row of a fix-task check and no open task, at most audits.fixTasks.maxPerRun) and open tasks it would resolve (none of their problems fails any more; only tasks whose records were all examined are judged)',
        properties: { now: ref('FixTaskCounts'), draft: ref('FixTaskCounts') },
        required: ['now', 'draft'],
      },
    },
    required: ['changed'],
  },
  FixTaskCounts: record({ wouldOpen: { type: 'integer' }, wouldResolve: { type: 'integer' } }),
  AuditCheckVerdict: record(
    {
      rowsChecked: { type: 'integer' },
      rowsFailed: { type: 'integer' },
      failedPercent: { type: 'number' },
      threshold: { type: 'number' },
      severity: { enum: SEVERITIES },
      passed: { type: 'boolean' },
    },
    'How a check scores over the records examined, under one side of the comparison.',
  ),
  PendingPublication: record({
    state: { const: 'pending' },
    approvalId: uuid,
    scope: string,
    baseVersion: { type: 'integer' },
    contentHash: string,
    author: { type: 'string', description: 'user id of who asked for it' },
    comment: string,
    restoresVersion: nullable({ type: 'integer' }),
    requestedAt: dateTime,
  }),
  RuleChanges: arrayOf({ type: 'object', description: 'a changed value: its JSON pointer, and the value before and after (absent on the side where it is absent)', properties: { pointer: string, before: {}, after: {} }, required: ['pointer'] }),
  RuleDiff: record({
    from: string,
    to: string,
    changes: ref('RuleChanges'),
    text: { type: 'string', description: 'unified diff of the two files' },
  }),
  ScheduleTiming: scheduleTiming,
  ...scheduleSchemas(AUDIT_SCHEDULE_DOC),
  ...scheduleSchemas(PURGE_SCHEDULE_DOC),
  CheckScore: record(
    {
      checkId: string,
      type: { enum: AUDIT_CHECK_TYPES },
      severity: { enum: SEVERITIES },
      description: string,
      rowsChecked: { type: 'integer' },
      rowsFailed: { type: 'integer' },
      failedPercent: { type: 'number', description: '100 * rowsFailed / rowsChecked' },
      threshold: { type: 'number', description: 'the share of rows that must pass, 0..1' },
      passed: { type: 'boolean' },
    },
    'How one check scored in one run.',
  ),
  CheckTrend: record(
    {
      checkId: string,
      previousFailedPercent: nullable({ type: 'number' }),
      delta: nullable({ type: 'number', description: 'failedPercent minus the previous run\'s: negative is better' }),
      newlyFailing: { type: 'integer', description: 'rows failing now that did not fail in the previous run (all of them on a first run)' },
    },
    'A check against the previous completed run of the site.',
  ),
  AuditRun: record(
    {
      id: uuid,
      siteId: string,
      workflowId: { type: 'string', examples: ['audit:fr-paris-hq:2026-11-30T02:00:00.000Z'] },
      status: { enum: ['running', 'completed', 'failed'] },
      progress: record({ checksDone: { type: 'integer' }, checksTotal: { type: 'integer' }, rowsScanned: { type: 'integer' }, rowsTotal: { type: 'integer' } }),
      startedAt: dateTime,
      finishedAt: nullable(dateTime),
      rulesVersion: ref('RulesVersion'),
      scorecard: arrayOf(ref('CheckScore')),
      previousRunId: nullable(uuid),
      trend: arrayOf(ref('CheckTrend')),
    },
    'An audit run: progress while it runs, then the scorecard and the trend. Ids and figures only.',
  ),
  AuditRunStarted: record({ runId: uuid, workflowId: string, status: { const: 'running' } }),
  AuditRunList: record({ runs: arrayOf(ref('AuditRun')), total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } }),
};

const errorResponse = (description: string): ResponseObject => json(ref('Error'), description);

const responses: Record<string, ResponseObject> = {
  BadRequest: errorResponse('A query parameter or the body is malformed (code bad_request or malformed_json).'),
  Unauthenticated: errorResponse('No token, a malformed Authorization header, or an unknown, revoked or expired token.'),
  Forbidden: errorResponse('The token lacks the role, or the site is not one the user may act on; the message names which.'),
  NotFound: errorResponse('Absent, or at a site the user may not act on: both answer alike.'),
  UnknownSite: errorResponse('No rule file defines this site; the message lists the known sites.'),
  NoOutbox: errorResponse('SMTP_URL is set: there is no embedded SMTP server, so no outbox.'),
};

const parameters: Record<string, Parameter> = {
  Limit: queryParameter('limit', 'page size', { type: 'integer', minimum: 1, maximum: 500 }),
  Offset: queryParameter('offset', 'rows to skip', { type: 'integer', minimum: 0 }),
  Site: pathParameter('site', 'a site id, as its rule file names it', { type: 'string', examples: ['paris'] }),
};

const NO_TOKEN: readonly SecurityRequirement[] = [];
const guarded = { '401': responseRef('Unauthenticated'), '403': responseRef('Forbidden') };
const invalidRecord = json(
  {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: { code: { const: 'invalid_record' }, message: string, details: ref('ValidationDetails') },
        required: ['code', 'message', 'details'],
      },
    },
    required: ['error'],
  },
  'the record breaks the site\'s rules: details.problems lists every problem at once',
);
const page = [parameterRef('Limit'), parameterRef('Offset')];
const outboxQuery = [
  queryParameter('to', 'only emails to this address'),
  queryParameter('limit', 'page size', { type: 'integer', minimum: 0, maximum: 200 }),
  parameterRef('Offset'),
];

const ruleScope = pathParameter('scope', 'global, or a site id', { type: 'string', examples: ['global', 'fr-lyon-store'] });
const draftWithContent: Schema = { allOf: [ref('RuleDraft'), record({ content: { type: 'object' }, text: string })] };
const invalidRulesResponse = errorResponse('the rule set would not validate: details.errors lists every problem with its file and JSON pointer (code invalid_rules), or nothing changes (no_change)');

export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Customer data stewardship API',
    version: '0.1.0',
    description:
      'Sites submit customer records; the platform validates them against each site\'s rules, matches them to golden records and opens steward tasks when a match is uncertain. Every /api call except this document needs `Authorization: Bearer <token>`.',
  },
  security: [{ bearerAuth: [] }],
  tags: [
    { name: 'platform', description: 'health, metrics and this document' },
    { name: 'account', description: 'the caller and its sites' },
    { name: 'customers', description: 'onboarding of source records and golden records' },
    { name: 'imports', description: 'bulk onboarding from CSV files' },
    { name: 'tasks', description: 'steward and compliance tasks' },
    { name: 'outbox', description: 'emails kept by the embedded SMTP server (one-machine setup only)' },
    { name: 'rules', description: 'published rule files, drafts, diffs, publish and roll back (admins)' },
    { name: 'audits', description: 'periodic quality audits of a site\'s customer data: runs, scorecards, schedules and reports' },
    { name: 'retention', description: 'legal holds, retention purges and erasure requests' },
  ],
  paths: {
    '/healthz': {
      get: {
        operationId: 'health',
        summary: 'Answers when the API and its database are up',
        tags: ['platform'],
        security: NO_TOKEN,
        responses: { '200': json(record({ status: { const: 'ok' }, sites: { type: 'integer', description: 'sites with a rule file' } }), 'up') },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus text exposition: record and task counts, uptime; no personal data',
        tags: ['platform'],
        security: NO_TOKEN,
        responses: { '200': { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: string } } } },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        summary: 'This document',
        tags: ['platform'],
        security: NO_TOKEN,
        responses: { '200': json({ type: 'object' }, 'an OpenAPI 3.1 document') },
      },
    },
    '/api/me': {
      get: {
        operationId: 'me',
        summary: 'The user the token belongs to',
        tags: ['account'],
        responses: { '200': json(ref('User'), 'the caller'), '401': responseRef('Unauthenticated') },
      },
    },
    '/api/sites': {
      get: {
        operationId: 'listSites',
        summary: 'The sites the caller may act on, with the version of their rules',
        tags: ['account'],
        responses: { '200': json(record({ sites: arrayOf(ref('Site')) }), 'the sites'), '401': responseRef('Unauthenticated') },
      },
    },
    '/api/sites/{site}/customers': {
      post: {
        operationId: 'submitCustomer',
        summary: 'Submit a customer record from a site system and onboard it',
        description:
          'Stores the record once per (site, sourceSystem, sourceId) and runs its onboarding, waiting a few seconds for the outcome. A repeat with the same content is harmless and returns the first outcome. Roles: integration, steward, admin.',
        tags: ['customers'],
        parameters: [parameterRef('Site')],
        requestBody: { required: true, content: { 'application/json': { schema: ref('Submission') } } },
        responses: {
          '201': json(ref('OnboardingStatus'), 'received for the first time and onboarded'),
          '200': json(ref('OnboardingStatus'), 'a repeat of a record received before, with the same content'),
          '202': json(ref('OnboardingStatus'), 'received; onboarding still running: poll GET /api/onboardings/{workflowId}'),
          '400': errorResponse('the body is not valid JSON (code malformed_json)'),
          ...guarded,
          '404': responseRef('UnknownSite'),
          '409': errorResponse(
            'the same source id was received before with other content; send new content with PUT …/customers/{sourceSystem}/{sourceId}. details holds { sourceRecordId, workflowId } of the record received first',
          ),
          '422': invalidRecord,
        },
      },
    },
    '/api/sites/{site}/customers/{sourceSystem}/{sourceId}': {
      put: {
        operationId: 'reviseCustomer',
        summary: 'New content for a record a site system sent before',
        description:
          'Stores and normalises the new content and, for a linked record, derives its golden record again, with lineage ("revised"). The link stands; a record waiting for review keeps waiting. The same content again changes nothing (revised: false). Roles: integration, steward, admin.',
        tags: ['customers'],
        parameters: [
          parameterRef('Site'),
          pathParameter('sourceSystem', 'the source system the record came from'),
          pathParameter('sourceId', 'the record id in that system'),
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', properties: { record: ref('CustomerRecord') }, required: ['record'] } } },
        },
        responses: {
          '200': json(ref('RecordRevision'), 'stored (or already this content)'),
          '400': errorResponse('the body is not valid JSON (code malformed_json)'),
          ...guarded,
          '404': errorResponse('unknown site, or the site never sent this record (send it with POST first)'),
          '409': errorResponse('the record is still being onboarded, or was rejected (send the corrected record under a new source id)'),
          '422': invalidRecord,
        },
      },
    },
    '/api/onboardings/{workflowId}': {
      get: {
        operationId: 'getOnboarding',
        summary: 'The state of an onboarding',
        tags: ['customers'],
        parameters: [pathParameter('workflowId', 'as returned by the submission, e.g. onboarding:paris:crm:C-1001')],
        responses: { '200': json(ref('OnboardingStatus'), 'its state'), ...guarded, '404': responseRef('NotFound') },
      },
    },
    '/api/customers': {
      get: {
        operationId: 'searchCustomers',
        summary: 'Search golden records of the caller\'s sites by name, email or phone',
        tags: ['customers'],
        parameters: [
          { ...queryParameter('q', 'at least 2 letters of a name, or an email or phone', { type: 'string', minLength: 2 }), required: true },
          queryParameter('site', 'only golden records fed by this site'),
          ...page,
        ],
        responses: { '200': json(ref('CustomerList'), 'the matching golden records'), '400': responseRef('BadRequest'), ...guarded },
      },
    },
    '/api/customers/{id}': {
      get: {
        operationId: 'getCustomer',
        summary: 'A golden record with its provenance, source records (and why each was linked) and lineage',
        tags: ['customers'],
        parameters: [pathParameter('id', 'golden record id', uuid)],
        responses: { '200': json(ref('CustomerView'), 'the golden record'), ...guarded, '404': responseRef('NotFound') },
      },
    },
    '/api/sites/{site}/imports': {
      post: {
        operationId: 'startImport',
        summary: 'Import a CSV file of customer records',
        description:
          'The body is the CSV file: a header row with source_id and customer fields, one record per line. The rows are staged, then onboarded by a workflow; poll GET /api/imports/{id}. Roles: integration, steward, admin.',
        tags: ['imports'],
        parameters: [
          parameterRef('Site'),
          { ...queryParameter('sourceSystem', 'the system the file comes from', { type: 'string', minLength: 1, maxLength: 200 }), required: true },
          queryParameter('fileName', 'the file name, kept for the caller\'s reference'),
        ],
        requestBody: { required: true, content: { 'text/csv': { schema: string } } },
        responses: {
          '202': json(ref('ImportStarted'), 'staged; the import runs'),
          '400': errorResponse('sourceSystem is missing, or the CSV file is malformed (details.line names the line)'),
          ...guarded,
          '404': responseRef('UnknownSite'),
          '415': errorResponse('the body is not sent as text/csv'),
        },
      },
    },
    '/api/imports/{id}': {
      get: {
        operationId: 'getImport',
        summary: 'Progress of an import and what became of its rows',
        tags: ['imports'],
        parameters: [pathParameter('id', 'import id', uuid)],
        responses: { '200': json(ref('ImportProgress'), 'the import'), ...guarded, '404': responseRef('NotFound') },
      },
    },
    '/api/imports/{id}/rejections.csv': {
      get: {
        operationId: 'getImportRejections',
        summary: 'The rejected rows of an import, one line per problem, without values beyond the source id',
        tags: ['imports'],
        parameters: [pathParameter('id', 'import id', uuid)],
        responses: {
          '200': { description: 'CSV with the columns line, source_id, field, rule, expected', content: { 'text/csv': { schema: string } } },
          ...guarded,
          '404': responseRef('NotFound'),
        },
      },
    },
    '/api/sites/{site}/audit-runs': {
      post: {
        operationId: 'startAuditRun',
        summary: 'Audit a site now (compliance officers and admins of the site)',
        description: 'Starts the audit workflow audit:<site>:<time>; follow it at GET /api/audit-runs/{id}.',
        tags: ['audits'],
        parameters: [parameterRef('Site')],
        responses: { '202': json(ref('AuditRunStarted'), 'started'), ...guarded, '404': responseRef('UnknownSite') },
      },
      get: {
        operationId: 'listAuditRuns',
        summary: 'The audit runs of a site, newest first, each with its scorecard and trend',
        tags: ['audits'],
        parameters: [parameterRef('Site'), ...page],
        responses: { '200': json(ref('AuditRunList'), 'a page of runs'), '400': responseRef('BadRequest'), ...guarded, '404': responseRef('UnknownSite') },
      },
    },
    '/api/audit-runs/{id}': {
      get: {
        operationId: 'getAuditRun',
        summary: 'An audit run: progress, scorecard, trend against the previous run',
        tags: ['audits'],
        parameters: [pathParameter('id', 'audit run id', uuid)],
        responses: { '200': json(ref('AuditRun'), 'the run'), ...guarded, '404': responseRef('NotFound') },
      },
    },
    '/api/audit-runs/{id}/failing-rows.csv': {
      get: {
        operationId: 'getAuditFailingRows',
        summary: 'Every row that failed a check in the run, with its reason (ids only, no values)',
        tags: ['audits'],
        parameters: [pathParameter('id', 'audit run id', uuid), { ...queryParameter('check', 'the check id, e.g. validity-email'), required: true }],
        responses: {
          '200': { description: 'CSV with the columns check_id, source_record_id, customer_id, source_system, source_id, reason', content: { 'text/csv': { schema: string } } },
          '400': errorResponse('check is missing or names no check of the run (the message lists them)'),
          ...guarded,
          '404': responseRef('NotFound'),
        },
      },
    },
    '/api/tasks': {
      get: {
        operationId: 'listTasks',
        summary: 'Tasks at the caller\'s sites, newest first',
        tags: ['tasks'],
        parameters: [
          queryParameter('site', 'only this site'),
          queryParameter('status', 'only tasks in this status', { enum: TASK_STATUSES }),
          queryParameter('type', 'only tasks of this type', { enum: TASK_TYPES }),
          queryParameter('mine', 'only tasks assigned to the caller', { enum: ['true', 'false'] }),
          queryParameter('overdue', 'only open tasks past their due date', { enum: ['true', 'false'] }),
          ...page,
        ],
        responses: { '200': json(ref('TaskList'), 'a page of tasks'), '400': responseRef('BadRequest'), ...guarded },
      },
    },
    '/api/tasks/{id}': {
      get: {
        operationId: 'getTask',
        summary: 'A task',
        tags: ['tasks'],
        parameters: [pathParameter('id', 'task id', uuid)],
        responses: { '200': json({ allOf: [ref('Task'), ref('TaskHistory')] }, 'the task, its decisions and comments'), ...guarded, '404': responseRef('NotFound') },
      },
    },
    '/api/tasks/{id}/decision': {
      post: {
        operationId: 'decideTask',
        summary: 'Decide a duplicate review (stewards and admins of its site)',
        description: 'Sent to the review workflow as an Update: the answer says at once whether the decision was taken.',
        tags: ['tasks'],
        parameters: [pathParameter('id', 'task id', uuid)],
        requestBody: { required: true, content: { 'application/json': { schema: ref('Decision') } } },
        responses: {
          '200': json(ref('DecisionResult'), 'taken'),
          '400': responseRef('BadRequest'),
          ...guarded,
          '404': responseRef('NotFound'),
          '409': errorResponse('someone decided first (the message names who and when), or you approved already'),
        },
      },
    },
    '/api/tasks/{id}/comments': {
      post: {
        operationId: 'commentTask',
        summary: 'Comment on a task',
        tags: ['tasks'],
        parameters: [pathParameter('id', 'task id', uuid)],
        requestBody: { required: true, content: { 'application/json': { schema: record({ comment: string }) } } },
        responses: { '201': json(ref('TaskHistory'), 'the decisions and comments'), '400': responseRef('BadRequest'), ...guarded, '404': responseRef('NotFound') },
      },
    },
    '/api/tasks/{id}/assignee': {
      put: {
        operationId: 'assignTask',
        summary: 'Assign a task to a person (email), or unassign it (null)',
        tags: ['tasks'],
        parameters: [pathParameter('id', 'task id', uuid)],
        requestBody: { required: true, content: { 'application/json': { schema: record({ assignee: nullable(string) }) } } },
        responses: { '200': json(ref('Task'), 'the task'), '400': responseRef('BadRequest'), ...guarded, '404': responseRef('NotFound') },
      },
    },
    '/api/customers/{id}/unmerge': {
      post: {
        operationId: 'unmergeCustomer',
        summary: 'Split a source record out of a golden record into its own (stewards and admins of its site)',
        tags: ['customers'],
        parameters: [pathParameter('id', 'golden record id', uuid)],
        requestBody: { required: true, content: { 'application/json': { schema: record({ sourceRecordId: uuid }) } } },
        responses: {
          '200': json(ref('Unmerged'), 'split: both golden records derived again, the pair remembered as different people'),
          '400': responseRef('BadRequest'),
          ...guarded,
          '404': responseRef('NotFound'),
          '409': errorResponse('the source record is the only one of the golden record'),
        },
      },
    },
    '/review/{token}': {
      get: {
        operationId: 'reviewPage',
        summary: 'The page an email link opens: both records side by side; changes nothing',
        tags: ['reviews'],
        security: NO_TOKEN,
        parameters: [pathParameter('token', 'the token of the email link')],
        responses: {
          '200': { description: 'the page', content: { 'text/html': { schema: string } } },
          '404': { description: 'the link is not valid (mistyped or tampered)', content: { 'text/html': { schema: string } } },
          '410': { description: 'the link was used or has expired', content: { 'text/html': { schema: string } } },
        },
      },
      post: {
        operationId: 'reviewDecide',
        summary: 'The decision posted from that page (form with decision, comment and its anti-forgery value)',
        tags: ['reviews'],
        security: NO_TOKEN,
        parameters: [pathParameter('token', 'the token of the email link')],
        requestBody: {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: record({ decision: { enum: [...REVIEW_DECISIONS] }, comment: string, csrf: string }) } },
        },
        responses: {
          '200': { description: 'taken', content: { 'text/html': { schema: string } } },
          '403': { description: 'not sent from the review page, or the person may not decide', content: { 'text/html': { schema: string } } },
          '409': { description: 'already decided: the page says by whom and when', content: { 'text/html': { schema: string } } },
          '410': { description: 'the link was used or has expired', content: { 'text/html': { schema: string } } },
        },
      },
    },
    '/api/outbox': {
      get: {
        operationId: 'listOutbox',
        summary: 'Emails the embedded SMTP server received, newest first (admins)',
        tags: ['outbox'],
        parameters: outboxQuery,
        responses: {
          '200': json(record({ messages: arrayOf(ref('OutboxMessage')) }), 'the emails'),
          '400': responseRef('BadRequest'),
          ...guarded,
          '404': responseRef('NoOutbox'),
        },
      },
    },
    '/outbox': {
      get: {
        operationId: 'outboxPage',
        summary: 'The outbox as an HTML page, for a browser',
        description: 'A typed URL cannot carry a bearer header, so this page takes an admin token as ?token=.',
        tags: ['outbox'],
        security: [{ outboxPageToken: [] }],
        parameters: outboxQuery,
        responses: {
          '200': { description: 'the page', content: { 'text/html': { schema: string } } },
          '400': responseRef('BadRequest'),
          ...guarded,
          '404': responseRef('NoOutbox'),
        },
      },
    },
    '/api/rules': {
      get: {
        operationId: 'listRules',
        summary: 'The current version of the global rules and of each site the caller administers (admins)',
        tags: ['rules'],
        responses: {
          '200': json(record({ scopes: arrayOf({ allOf: [ref('RulePublication'), record({ rulesVersion: nullable(ref('RulesVersion')) })] }) }), 'current versions; rulesVersion is the merged version in force at a site (null for global)'),
          ...guarded,
        },
      },
    },
    '/api/rules/{scope}/versions': {
      get: {
        operationId: 'listRuleVersions',
        summary: 'Every published version of a scope, newest first',
        tags: ['rules'],
        parameters: [ruleScope],
        responses: { '200': json(record({ scope: string, versions: arrayOf(ref('RulePublication')) }), 'the versions'), ...guarded, '404': responseRef('NotFound') },
      },
    },
    '/api/rules/{scope}/versions/{version}': {
      get: {
        operationId: 'getRuleVersion',
        summary: 'One version with its content and file text',
        tags: ['rules'],
        parameters: [ruleScope, pathParameter('version', 'a version number, or current')],
        responses: {
          '200': json({ allOf: [ref('RulePublication'), record({ content: { type: 'object' }, text: string })] }, 'the version'),
          ...guarded,
          '404': responseRef('NotFound'),
        },
      },
    },
    '/api/rules/{scope}/validate': {
      post: {
        operationId: 'validateRuleFile',
        summary: 'Validate a rule file against the published rules: schema errors, checks and lock violations, each with its JSON pointer',
        tags: ['rules'],
        parameters: [ruleScope],
        requestBody: { required: true, content: { 'application/json': { schema: ref('RuleFileBody') } } },
        responses: {
          '200': json(record({ valid: { type: 'boolean' }, errors: arrayOf(ref('RuleFileError')) }), 'the verdict (a site also gets the rulesVersion it would have)'),
          '400': responseRef('BadRequest'),
          ...guarded,
          '422': errorResponse('the text is not JSON (details.errors names line and column)'),
        },
      },
    },
    '/api/rules/{scope}/drafts': {
      get: {
        operationId: 'listRuleDrafts',
        summary: 'Drafts of a scope, last changed first',
        tags: ['rules'],
        parameters: [ruleScope],
        responses: { '200': json(record({ drafts: arrayOf(ref('RuleDraft')) }), 'the drafts'), ...guarded },
      },
      post: {
        operationId: 'createRuleDraft',
        summary: 'Save a draft (refused when invalid), based on the current version',
        tags: ['rules'],
        parameters: [ruleScope],
        requestBody: { required: true, content: { 'application/json': { schema: ref('RuleFileBody') } } },
        responses: { '201': json(draftWithContent, 'the draft'), '400': responseRef('BadRequest'), ...guarded, '422': invalidRulesResponse },
      },
    },
    '/api/rules/{scope}/drafts/{id}': {
      get: {
        operationId: 'getRuleDraft',
        summary: 'A draft with its content',
        tags: ['rules'],
        parameters: [ruleScope, pathParameter('id', 'draft id', uuid)],
        responses: { '200': json(draftWithContent, 'the draft'), ...guarded, '404': responseRef('NotFound') },
      },
      put: {
        operationId: 'updateRuleDraft',
        summary: 'Replace a draft\'s content (refused when invalid); baseVersion moves it onto a newer version',
        tags: ['rules'],
        parameters: [ruleScope, pathParameter('id', 'draft id', uuid)],
        requestBody: { required: true, content: { 'application/json': { schema: { allOf: [ref('RuleFileBody'), { type: 'object', properties: { baseVersion: { type: 'integer' } } }] } } } },
        responses: { '200': json(draftWithContent, 'the draft'), '400': responseRef('BadRequest'), ...guarded, '404': responseRef('NotFound'), '422': invalidRulesResponse },
      },
      delete: {
        operationId: 'deleteRuleDraft',
        summary: 'Delete a draft',
        tags: ['rules'],
        parameters: [ruleScope, pathParameter('id', 'draft id', uuid)],
        responses: { '204': { description: 'deleted' }, ...guarded, '404': responseRef('NotFound') },
      },
    },
    '/api/rules/{scope}/drafts/{id}/impact': {
      post: {
        operationId: 'previewRuleDraftImpact',
        summary: 'What publishing the draft would change on the data as it is now (changes nothing)',
        description:
          'Per affected site (of a global draft: the caller\'s sites): matching pairs that would change band, links changing band, review tasks that would appear or go, golden records whose values would change under the draft survivorship, and the audit scorecard per check (rows checked and failing, pass or fail, now and under the draft; checks added and removed). Over sampleLimit rows per site it samples and says so (sampled, examined, total).',
        tags: ['rules'],
        parameters: [ruleScope, pathParameter('id', 'draft id', uuid)],
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { sampleLimit: { type: 'integer', minimum: 1, maximum: 50000 } } } } } },
        responses: { '200': json(ref('RuleImpact'), 'the figures'), '400': responseRef('BadRequest'), ...guarded, '404': responseRef('NotFound'), '422': invalidRulesResponse },
      },
    },
    '/api/rules/{scope}/approvals': {
      get: {
        operationId: 'listPendingRulePublications',
        summary: 'Publications waiting for a second admin, with what each would change',
        tags: ['rules'],
        parameters: [ruleScope],
        responses: {
          '200': json(record({ approvals: arrayOf({ allOf: [ref('PendingPublication'), record({ changes: ref('RuleChanges') })] }) }), 'pending publications'),
          ...guarded,
        },
      },
    },
    '/api/rules/{scope}/approvals/{id}/approve': {
      post: {
        operationId: 'approveRulePublication',
        summary: 'Approve another admin\'s pending publication (admins who may publish the scope); it is published at once',
        tags: ['rules'],
        parameters: [ruleScope, pathParameter('id', 'approval id', uuid)],
        responses: {
          '201': json(ref('PublishedVersion'), 'published'),
          ...guarded,
          '404': responseRef('NotFound'),
          '409': errorResponse('already approved, or another version was published since its base (it is then superseded)'),
          '422': invalidRulesResponse,
        },
      },
    },
    '/api/rules/{scope}/diff': {
      get: {
        operationId: 'diffRules',
        summary: 'What changes between two versions or drafts: every changed value by JSON pointer, and a unified diff',
        tags: ['rules'],
        parameters: [
          ruleScope,
          queryParameter('from', 'a version number, current (the default) or a draft id'),
          { ...queryParameter('to', 'a version number, current or a draft id'), required: true },
        ],
        responses: { '200': json(ref('RuleDiff'), 'the difference'), '400': responseRef('BadRequest'), ...guarded, '404': responseRef('NotFound') },
      },
    },
    '/api/rules/{scope}/publish': {
      post: {
        operationId: 'publishRules',
        summary: 'Publish a new version (admins of the site; global: admins of all sites); api and workers take it without a restart',
        tags: ['rules'],
        parameters: [ruleScope],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                allOf: [
                  ref('RuleFileBody'),
                  {
                    type: 'object',
                    properties: {
                      draftId: { ...uuid, description: 'publish this draft (instead of text or content); its baseVersion applies unless given' },
                      baseVersion: { type: 'integer', description: 'the version the change is based on' },
                      comment: { type: 'string', description: 'why (required)' },
                    },
                    required: ['comment'],
                  },
                ],
              },
            },
          },
        },
        responses: {
          '201': json(ref('PublishedVersion'), 'published'),
          '202': json(ref('PendingPublication'), 'waits for a second admin (the global rules ask for one)'),
          '400': responseRef('BadRequest'),
          ...guarded,
          '404': responseRef('NotFound'),
          '409': errorResponse('another version was published since baseVersion (details.currentVersion)'),
          '422': invalidRulesResponse,
        },
      },
    },
    '/api/rules/{scope}/rollback': {
      post: {
        operationId: 'rollbackRules',
        summary: 'Publish the content of an earlier version as a new version',
        tags: ['rules'],
        parameters: [ruleScope],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', properties: { toVersion: { type: 'integer' }, baseVersion: { type: 'integer' }, comment: string }, required: ['toVersion'] } } },
        },
        responses: {
          '201': json(ref('PublishedVersion'), 'published'),
          '202': json(ref('PendingPublication'), 'waits for a second admin (the global rules ask for one)'),
          '400': responseRef('BadRequest'),
          ...guarded,
          '404': responseRef('NotFound'),
          '409': errorResponse('another version was published since baseVersion'),
          '422': invalidRulesResponse,
        },
      },
    },
    ...schedulePaths(AUDIT_SCHEDULE_DOC),
    '/audits/{runId}': {
      get: {
        operationId: 'auditReportPage',
        summary: 'The report page of an audit run: scorecard, trend chart (inline SVG), failing rows of each check paged',
        description:
          'Opened from the link mailed to the site\'s compliance officers (?key=, read-only, works until it expires) or with the API token of a compliance officer or admin of the run\'s site. No script, nothing loaded from elsewhere.',
        tags: ['audits'],
        security: [{ reportLinkKey: [] }, { bearerAuth: [] }],
        parameters: [
          pathParameter('runId', 'audit run id', uuid),
          queryParameter('check', 'the check whose failing rows to page'),
          queryParameter('offset', 'the first failing row of that check to show', { type: 'integer', minimum: 0 }),
        ],
        responses: {
          '200': { description: 'the page', content: { 'text/html': { schema: string } } },
          '401': { description: 'no key and no token, or an unknown token', content: { 'text/html': { schema: string } } },
          '403': { description: 'the token lacks the role or the site, or the key\'s holder is no longer a compliance officer of the site', content: { 'text/html': { schema: string } } },
          '404': { description: 'no such run, or the key is not valid for it', content: { 'text/html': { schema: string } } },
          '410': { description: 'the key has expired', content: { 'text/html': { schema: string } } },
        },
      },
    },
    ...retentionPaths,
  },
  components: {
    schemas,
    responses,
    parameters,
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'stw_<43 base64url characters>', description: 'A per-user API token: stw_ followed by 32 random bytes in base64url.' },
      outboxPageToken: { type: 'apiKey', in: 'query', name: 'token', description: 'An admin API token in the URL, for the outbox page only.' },
      reportLinkKey: { type: 'apiKey', in: 'query', name: 'key', description: 'The key of an audit report link mailed to a compliance officer, for that run\'s report page only.' },
    },
  },
};
