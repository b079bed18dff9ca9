import { CUSTOMER_FIELDS } from '../core/customer';
import { IMPORT_ROW_OUTCOMES, type ImportStatus } from '../core/imports/import';
import type { MatchBand } from '../core/matching/score';
import type { SourceRecordStatus } from '../store/source-records';
import { REVIEW_DECISIONS } from '../core/review';
import type { TaskStatus, TaskType } from '../store/tasks';
import { ROLES } from '../store/users';
import { retentionPaths } from './openapi-retention';

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
const TASK_STATUSES = everyValueOf<TaskStatus>()(['open', 'decided', 'expired', 'cancelled']);
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
const page = [parameterRef('Limit'), parameterRef('Offset')];
const outboxQuery = [
  queryParameter('to', 'only emails to this address'),
  queryParameter('limit', 'page size', { type: 'integer', minimum: 0, maximum: 200 }),
  parameterRef('Offset'),
];

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
            'the same source id was received before with other content; send changes under a new source id. details holds { sourceRecordId, workflowId } of the record received first',
          ),
          '422': json(
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
            'the submission breaks the site\'s rules: details.problems lists every problem at once',
          ),
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
    ...retentionPaths,
  },
  components: {
    schemas,
    responses,
    parameters,
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'stw_<43 base64url characters>', description: 'A per-user API token: stw_ followed by 32 random bytes in base64url.' },
      outboxPageToken: { type: 'apiKey', in: 'query', name: 'token', description: 'An admin API token in the URL, for the outbox page only.' },
    },
  },
};
