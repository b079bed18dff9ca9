import type { HttpMethod, Operation, Schema } from './openapi';
import { PURGE_SCHEDULE_DOC, schedulePaths } from './openapi-schedules';

// Retention, erasure and legal holds, kept apart so the main document stays readable; the
// component references ($ref) point into the main document.

type Response = Operation['responses'][string];

const string: Schema = { type: 'string' };
const uuid: Schema = { type: 'string', format: 'uuid' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const json = (schema: Schema, description: string): Response => ({ description, content: { 'application/json': { schema } } });
const body = (schema: Schema): Operation['requestBody'] => ({ required: true, content: { 'application/json': { schema } } });
const error = (name: string): Response => ({ $ref: `#/components/responses/${name}` });
/** An error response of this module's own, in the document's error shape. */
const errorBecause = (description: string): Response => json({ $ref: '#/components/schemas/Error' }, description);
const guarded = { '401': error('Unauthenticated'), '403': error('Forbidden') };
const idParameter = (description: string) => ({ name: 'id', in: 'path' as const, required: true, description, schema: uuid });

const legalHold: Schema = {
  type: 'object',
  properties: {
    id: uuid,
    customerId: uuid,
    reason: string,
    reference: string,
    expiresAt: nullable(dateTime),
    placedBy: string,
    placedAt: dateTime,
    liftedBy: nullable(string),
    liftReason: nullable(string),
    liftedAt: nullable(dateTime),
    active: { type: 'boolean', description: 'not lifted and not past its expiry' },
  },
  required: ['id', 'customerId', 'reason', 'reference', 'expiresAt', 'placedBy', 'placedAt', 'active'],
};

const counts: Schema = {
  type: 'object',
  description: 'per category what was (or, in a dry run, would be) purged; golden records derived again or removed; expired rows a legal hold kept',
  properties: Object.fromEntries(
    ['sourceRecords', 'importRows', 'changeLog', 'goldenRecordsRecomputed', 'goldenRecordsRemoved', 'skippedUnderHold'].map((key) => [key, { type: 'integer', minimum: 0 }]),
  ),
};

const purgeRun: Schema = {
  type: 'object',
  properties: {
    id: uuid,
    siteId: string,
    workflowId: { type: 'string', description: 'purge:<site>:<time>' },
    dryRun: { type: 'boolean' },
    status: { enum: ['running', 'completed', 'failed'] },
    rulesVersion: string,
    plan: { type: 'object', description: 'per category: cutoff (date-time), action (delete or anonymise), legalBasis' },
    counts,
    startedBy: { type: 'string', description: 'user id' },
    startedAt: dateTime,
    finishedAt: nullable(dateTime),
  },
  required: ['id', 'siteId', 'workflowId', 'dryRun', 'status', 'rulesVersion', 'plan', 'counts', 'startedAt'],
};

const purgePage: Schema = {
  type: 'object',
  properties: {
    category: string,
    page: { type: 'integer' },
    lastKey: nullable(string),
    counts,
    done: { type: 'boolean' },
    hashedIds: { type: 'array', items: { type: 'string', description: 'SHA-256 (hex) of a purged id' } },
  },
};

const erasureRequest: Schema = {
  type: 'object',
  description: 'ids only: the identifying fields a request was filed with are never stored',
  properties: {
    id: uuid,
    status: { enum: ['pending_approval', 'approved', 'rejected', 'refused', 'completed'] },
    customerIds: { type: 'array', items: uuid },
    sourceRecordIds: { type: 'array', items: uuid },
    siteIds: { type: 'array', items: string },
    requester: { type: 'string', description: 'the address told the outcome' },
    reason: string,
    requestedBy: { type: 'string', description: 'user id' },
    deadlineAt: { ...dateTime, description: 'the legal deadline: the shortest of the jurisdictions of the sites concerned' },
    workflowId: { type: 'string', description: 'erasure:<id>' },
    decidedBy: nullable(string),
    decisionReason: nullable(string),
    decidedAt: nullable(dateTime),
    refusalReason: { ...nullable(string), description: 'why the request cannot go on (a legal hold)' },
    proof: nullable({
      type: 'object',
      description: 'what erasure leaves: time, approver, rules versions, hashed ids, rows deleted or cleaned per table',
      properties: {
        erasedAt: dateTime,
        approvedBy: string,
        rulesVersions: { type: 'object', additionalProperties: string },
        hashedCustomerIds: { type: 'array', items: string },
        hashedSourceRecordIds: { type: 'array', items: string },
        counts: { type: 'object', additionalProperties: { type: 'integer' } },
      },
    }),
    createdAt: dateTime,
    finishedAt: nullable(dateTime),
  },
  required: ['id', 'status', 'customerIds', 'sourceRecordIds', 'siteIds', 'requester', 'reason', 'deadlineAt', 'workflowId'],
};

export const retentionPaths: Record<string, Partial<Record<HttpMethod, Operation>>> = {
  '/api/legal-holds': {
    post: {
      operationId: 'placeLegalHold',
      summary: 'Place a legal hold on a customer (compliance officers and admins of a site the customer is at)',
      description: 'A held customer is never purged or erased; an erasure request for it is refused, saying why.',
      tags: ['retention'],
      requestBody: body({
        type: 'object',
        properties: { customerId: uuid, reason: string, reference: string, expiresAt: nullable(dateTime) },
        required: ['customerId', 'reason', 'reference'],
      }),
      responses: { '201': json(legalHold, 'placed'), '400': error('BadRequest'), ...guarded, '404': error('NotFound') },
    },
    get: {
      operationId: 'listLegalHolds',
      summary: 'Legal holds on customers at the caller\'s sites, active ones unless all=true',
      tags: ['retention'],
      parameters: [
        { name: 'customerId', in: 'query', description: 'only this customer', schema: uuid },
        { name: 'all', in: 'query', description: 'lifted and expired holds too', schema: { enum: ['true', 'false'] } },
      ],
      responses: { '200': json({ type: 'object', properties: { holds: { type: 'array', items: legalHold } }, required: ['holds'] }, 'the holds'), '400': error('BadRequest'), ...guarded, '404': error('NotFound') },
    },
  },
  '/api/legal-holds/{id}': {
    delete: {
      operationId: 'liftLegalHold',
      summary: 'Lift a legal hold (optional body { reason }); the next purge may then proceed',
      tags: ['retention'],
      parameters: [idParameter('legal hold id')],
      responses: { '200': json(legalHold, 'lifted'), '400': error('BadRequest'), ...guarded, '404': error('NotFound'), '409': errorBecause('the hold was lifted already: the message says by whom and when') },
    },
  },
  '/api/sites/{site}/purges': {
    post: {
      operationId: 'startPurge',
      summary: 'Run a retention purge of a site now, or a dry run (compliance officers and admins of the site)',
      description: 'Starts purge:<site>:<time>, which deletes or anonymises what the site\'s retention rules say has expired, skipping customers under legal hold. A dry run counts and changes nothing. Poll GET /api/purges/{id}.',
      tags: ['retention'],
      parameters: [{ $ref: '#/components/parameters/Site' }],
      requestBody: body({ type: 'object', properties: { dryRun: { type: 'boolean' }, pageSize: { type: 'integer', minimum: 1, maximum: 10000 } }, required: ['dryRun'] }),
      responses: { '202': json(purgeRun, 'started'), '400': error('BadRequest'), ...guarded, '404': error('UnknownSite') },
    },
  },
  '/api/purges/{id}': {
    get: {
      operationId: 'getPurge',
      summary: 'A purge and its log: plan, counts, and per page the hashed ids (no personal data)',
      tags: ['retention'],
      parameters: [idParameter('purge id')],
      responses: { '200': json({ allOf: [purgeRun, { type: 'object', properties: { pages: { type: 'array', items: purgePage } } }] }, 'the purge'), ...guarded, '404': error('NotFound') },
    },
  },
  '/api/erasure-requests': {
    post: {
      operationId: 'fileErasureRequest',
      summary: 'File a right-to-erasure request (stewards, compliance officers, admins)',
      description:
        'Finds the person by customerId or by identifyingFields (email, phone, or familyName with birthDate) across every site, stores only the ids found, and starts erasure:<id>, which waits for a compliance officer\'s approval.',
      tags: ['retention'],
      requestBody: body({
        type: 'object',
        properties: {
          customerId: uuid,
          identifyingFields: { type: 'object', properties: { email: string, phone: string, familyName: string, birthDate: string }, additionalProperties: false },
          requester: { type: 'string', description: 'email address told the outcome' },
          reason: string,
        },
        required: ['requester', 'reason'],
      }),
      responses: {
        '201': json(erasureRequest, 'filed; approval awaited'),
        '400': error('BadRequest'),
        ...guarded,
        '404': errorBecause('no customer at the caller\'s sites matches'),
        '409': errorBecause('a legal hold protects the person: the request is stored as refused (details.requestId) and the message says which hold'),
      },
    },
  },
  '/api/erasure-requests/{id}': {
    get: {
      operationId: 'getErasureRequest',
      summary: 'An erasure request: status, deadline, decision, refusal, and the proof once erased',
      tags: ['retention'],
      parameters: [idParameter('erasure request id')],
      responses: { '200': json(erasureRequest, 'the request'), ...guarded, '404': error('NotFound') },
    },
  },
  '/api/erasure-requests/{id}/decision': {
    post: {
      operationId: 'decideErasureRequest',
      summary: 'Approve or reject an erasure request (compliance officers and admins of a site concerned; stewards 403)',
      description: 'Sent to the erasure workflow as an Update. An approval erases the person everywhere, then tells the requester; a rejection needs a reason, which is recorded and told.',
      tags: ['retention'],
      parameters: [idParameter('erasure request id')],
      requestBody: body({ type: 'object', properties: { decision: { enum: ['approve', 'reject'] }, reason: string }, required: ['decision'] }),
      responses: {
        '200': json({ type: 'object', properties: { requestId: uuid, status: string, decidedBy: string } }, 'taken'),
        '400': error('BadRequest'),
        ...guarded,
        '404': error('NotFound'),
        '409': errorBecause('already decided (the message says by whom and when), refused or completed'),
      },
    },
  },
  ...schedulePaths(PURGE_SCHEDULE_DOC),
  '/erasure/{token}': {
    get: {
      operationId: 'erasurePage',
      summary: 'The page an erasure mail\'s link opens: the request (ids, sites, deadline, counts); changes nothing',
      tags: ['retention'],
      security: [],
      parameters: [{ name: 'token', in: 'path', required: true, description: 'the token of the email link', schema: string }],
      responses: {
        '200': { description: 'the page', content: { 'text/html': { schema: string } } },
        '404': { description: 'the link is not valid (mistyped, tampered, or not an erasure link)', content: { 'text/html': { schema: string } } },
        '410': { description: 'the link was used or has expired', content: { 'text/html': { schema: string } } },
      },
    },
    post: {
      operationId: 'erasureDecide',
      summary: 'The decision posted from that page (form with decision approve or reject, reason and its anti-forgery value)',
      tags: ['retention'],
      security: [],
      parameters: [{ name: 'token', in: 'path', required: true, description: 'the token of the email link', schema: string }],
      requestBody: {
        required: true,
        content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { decision: { enum: ['approve', 'reject'] }, reason: string, csrf: string } } } },
      },
      responses: {
        '200': { description: 'taken', content: { 'text/html': { schema: string } } },
        '400': { description: 'no decision, or a rejection without a reason', content: { 'text/html': { schema: string } } },
        '403': { description: 'not sent from the page, or the person may no longer decide', content: { 'text/html': { schema: string } } },
        '409': { description: 'already decided', content: { 'text/html': { schema: string } } },
        '410': { description: 'the link was used or has expired', content: { 'text/html': { schema: string } } },
      },
    },
  },
};
