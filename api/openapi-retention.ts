import type { HttpMethod, Operation, Schema } from './openapi';

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
};
