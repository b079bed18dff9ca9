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
};
