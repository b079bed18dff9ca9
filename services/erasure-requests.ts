import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ERASURE_DECISIONS, holdRefusal, type ErasureDecision, type ErasureDecisionRequest, type ErasureDecisionResult } from '../core/erasure';
import { isUuid } from '../core/ids';
import { matchKeys } from '../core/matching/keys';
import { normaliseRecord } from '../core/normalise';
import { erasureDeadlineFor, lengthOf, shortestDuration } from '../core/retention/periods';
import type { SiteRulesSource } from '../core/rules/types';
import { workflowIds } from '../core/workflow-ids';
import type { Db } from '../runtime/db';
import { createErasureRequest, findErasureRequest, type ErasureRequest } from '../store/erasure-requests';
import { storeDecisionNote } from '../store/decision-notes';
import { activeHoldsOn } from '../store/legal-holds';
import { canActOnSite, findUserByEmail, type User } from '../store/users';
import { AppError, badRequest, conflict, notFound } from '../api/errors';
import { requireAccess } from '../api/auth';

/** Anyone who looks after customers may file a request; only compliance officers and admins of a
 * site concerned decide it. */
export const FILE_ROLES = ['steward', 'compliance', 'admin'] as const;
export const DECIDE_ROLES = ['compliance', 'admin'] as const;

const MAX_TEXT = 2000;

/** What finds the person when no customer id is given. Used once, to find ids; never stored. */
export interface IdentifyingFields {
  email?: string;
  phone?: string;
  familyName?: string;
  birthDate?: string;
}

export interface ErasureFiling {
  customerId?: string;
  identifyingFields?: IdentifyingFields;
  /** who is told the outcome (an email address) */
  requester: string;
  reason: string;
}

export interface ErasureServiceDeps {
  db: Db;
  rules: SiteRulesSource;
  client: Client;
  taskQueue: string;
}

export function parseErasureFiling(body: unknown): ErasureFiling {
  const fields = (body ?? {}) as Record<string, unknown>;
  const text = (name: string, value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT) throw badRequest(`${name} is required: a text of at most ${MAX_TEXT} characters`);
    return value.trim();
  };
  const requester = text('requester', fields.requester);
  if (!/^[^@\s]+@[^@\s]+$/.test(requester)) throw badRequest('requester must be the email address to tell the outcome to');
  const filing: ErasureFiling = { requester, reason: text('reason', fields.reason) };
  if (fields.customerId !== undefined) {
    if (typeof fields.customerId !== 'string' || !isUuid(fields.customerId)) throw badRequest('customerId must be the id of a golden record');
    filing.customerId = fields.customerId;
  }
  if (fields.identifyingFields !== undefined) {
    const given = fields.identifyingFields as Record<string, unknown>;
    if (typeof given !== 'object' || given === null) throw badRequest('identifyingFields must be an object');
    const known = ['email', 'phone', 'familyName', 'birthDate'];
    const unknown = Object.keys(given).find((key) => !known.includes(key));
    if (unknown) throw badRequest(`identifyingFields.${unknown} is not used to find a person; use ${known.join(', ')}`);
    for (const [key, value] of Object.entries(given)) if (typeof value !== 'string') throw badRequest(`identifyingFields.${key} must be a string`);
    const identifying = given as IdentifyingFields;
    if (!identifying.email && !identifying.phone && !(identifying.familyName && identifying.birthDate)) {
      throw badRequest('identifyingFields must give an email, a phone, or a familyName with a birthDate');
    }
    filing.identifyingFields = identifying;
  }
  if (!filing.customerId && !filing.identifyingFields) throw badRequest('give customerId or identifyingFields to find the person');
  return filing;
}

/** The person's golden records and source records, across every site: the golden records found
 * with every source record merged into them, and unlinked source records (in review, rejected). */
async function findPerson(db: Db, rules: SiteRulesSource, filing: ErasureFiling): Promise<{ customerIds: string[]; sourceRecordIds: string[] }> {
  const customerIds = new Set<string>();
  const sourceRecordIds = new Set<string>();
  if (filing.customerId && (await db('customers').where({ id: filing.customerId }).first('id'))) customerIds.add(filing.customerId);
  const given = filing.identifyingFields;
  if (given) {
    // the match keys onboarding stored, derived the same way under each site's normalisation
    const keys = rules.siteIds().map((siteId) => matchKeys(normaliseRecord(given, rules.forSite(siteId)!.rules.normalisation)));
    const present = (column: 'email_key' | 'phone_key' | 'family_name_key') => [...new Set(keys.map((key) => key[column]).filter((value): value is string => !!value))];
    const emails = present('email_key');
    const phones = present('phone_key');
    const namesAndBirthDates = [...new Set(keys.filter((key) => key.family_name_key && key.birth_date).map((key) => `${key.family_name_key}|${key.birth_date}`))];
    const matches = await db('source_records')
      .where((q) => {
        if (emails.length > 0) q.orWhereIn('email_key', emails);
        if (phones.length > 0) q.orWhereIn('phone_key', phones);
        for (const both of namesAndBirthDates) {
          const [family, birthDate] = both.split('|');
          q.orWhere((pair) => pair.where('family_name_key', family).where('birth_date', birthDate));
        }
      })
      .select('id', 'customer_id');
    for (const match of matches) {
      sourceRecordIds.add(match.id);
      if (match.customer_id) customerIds.add(match.customer_id);
    }
  }
  if (customerIds.size > 0) {
    const linked: string[] = await db('source_records').whereIn('customer_id', [...customerIds]).pluck('id');
    linked.forEach((id) => sourceRecordIds.add(id));
  }
  return { customerIds: [...customerIds], sourceRecordIds: [...sourceRecordIds] };
}

/** Files a request: finds the person, refuses at once (409, saying why) when a legal hold protects
 * them, and otherwise starts erasure:<requestId>, which carries only the request id. */
export async function fileErasureRequest(deps: ErasureServiceDeps, user: User, filing: ErasureFiling): Promise<ErasureRequest> {
  const person = await findPerson(deps.db, deps.rules, filing);
  const siteIds: string[] = person.sourceRecordIds.length > 0 ? await deps.db('source_records').whereIn('id', person.sourceRecordIds).distinct('site_id').pluck('site_id') : [];
  const homeSites: string[] = person.customerIds.length > 0 ? await deps.db('customers').whereIn('id', person.customerIds).distinct('home_site_id').pluck('home_site_id') : [];
  const sites = [...new Set([...siteIds, ...homeSites])].filter((siteId) => deps.rules.forSite(siteId)).sort();
  // the same answer for "nobody" and "nobody at your sites"
  if (sites.length === 0 || !sites.some((siteId) => canActOnSite(user, siteId))) throw notFound('no customer at your sites matches this request');

  const deadline = shortestDuration(sites.map((siteId) => {
    const { rules } = deps.rules.forSite(siteId)!;
    return erasureDeadlineFor(rules.retention.erasure, rules.site.jurisdiction);
  }));
  const id = randomUUID();
  const holds = await activeHoldsOn(deps.db, person.customerIds);
  const request = await createErasureRequest(deps.db, {
    id,
    ...person,
    siteIds: sites,
    requester: filing.requester,
    reason: filing.reason,
    requestedBy: user.id,
    deadlineAt: new Date(Date.now() + lengthOf(deadline)),
    workflowId: workflowIds.erasure(id),
    ...(holds.length > 0 ? { status: 'refused' as const, refusalReason: holdRefusal(holds) } : {}),
  });
  if (holds.length > 0) throw conflict(`erasure refused: ${request.refusalReason}`, { requestId: request.id, status: request.status });
  await deps.client.workflow.start('erasure', { taskQueue: deps.taskQueue, workflowId: request.workflowId, args: [{ requestId: request.id }] });
  return request;
}

/** A request for the users of a site it concerns (404 otherwise, as for an absent one). */
export async function visibleErasureRequest(db: Db, user: User, requestId: string): Promise<ErasureRequest> {
  const request = isUuid(requestId) ? await findErasureRequest(db, requestId) : undefined;
  if (!request || !request.siteIds.some((siteId) => canActOnSite(user, siteId))) throw notFound(`no erasure request ${requestId} at your sites`);
  return request;
}

export function parseErasureDecision(body: unknown): { decision: ErasureDecision; reason: string } {
  const fields = (body ?? {}) as Record<string, unknown>;
  const decision = ERASURE_DECISIONS.find((known) => known === fields.decision);
  if (!decision) throw badRequest(`decision must be one of ${ERASURE_DECISIONS.join(', ')}`);
  const reason = typeof fields.reason === 'string' ? fields.reason.trim() : '';
  if (decision === 'reject' && reason === '') throw badRequest('reason is required to reject: say why the request is rejected');
  if (reason.length > MAX_TEXT) throw badRequest(`reason must be at most ${MAX_TEXT} characters`);
  return { decision, reason };
}

/** Hands the decision to erasure:<requestId> as an Update: 409 when someone decided first. */
export async function decideErasure(
  deps: ErasureServiceDeps,
  user: User,
  requestId: string,
  decision: { decision: ErasureDecision; reason: string },
): Promise<ErasureDecisionResult> {
  requireAccess(user, { roles: DECIDE_ROLES });
  const request = await visibleErasureRequest(deps.db, user, requestId);
  if (request.status !== 'pending_approval') {
    throw conflict(`this erasure request is already ${request.status}${request.decidedBy ? ` by ${request.decidedBy} at ${request.decidedAt?.toISOString()}` : ''}`);
  }
  // the reason is stored first and the Update carries its id: free text stays out of the history
  const reasonId = await storeDecisionNote(deps.db, decision.reason);
  try {
    return await deps.client.workflow.getHandle(request.workflowId).executeUpdate<ErasureDecisionResult, [ErasureDecisionRequest]>('decideErasure', {
      args: [{ decision: decision.decision, reasonId, decidedBy: { userId: user.id, email: user.email } }],
    });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      throw error.cause.type === 'AlreadyDecided' ? conflict(error.cause.message) : new AppError(422, 'decision_refused', error.cause.message);
    }
    throw error;
  }
}

/** The decision behind an email link. The link names one person, who must still be a compliance
 * officer of a site concerned: in the rules (stewardship.complianceOfficers) or as a user with the
 * role compliance or admin there. */
export async function decideErasureFromEmailLink(
  deps: ErasureServiceDeps,
  link: { requestId: string; personEmail: string; decision: ErasureDecision; reason: string },
): Promise<{ ok: true; result: ErasureDecisionResult } | { ok: false; status: number; message: string }> {
  try {
    const request = await findErasureRequest(deps.db, link.requestId);
    if (!request) throw notFound(`no erasure request ${link.requestId}`);
    const email = link.personEmail.toLowerCase();
    const account = await findUserByEmail(deps.db, email);
    const listed = request.siteIds.some((siteId) =>
      (deps.rules.forSite(siteId)?.rules.stewardship.complianceOfficers ?? []).some((officer) => officer.toLowerCase() === email),
    );
    const officer: User | undefined =
      account && account.roles.some((role) => (DECIDE_ROLES as readonly string[]).includes(role)) && request.siteIds.some((siteId) => canActOnSite(account, siteId))
        ? account
        : listed
          ? { id: account?.id ?? `email:${email}`, email, name: account?.name ?? email, roles: ['compliance'], sites: request.siteIds }
          : undefined;
    if (!officer) throw new AppError(403, 'forbidden', `${email} may no longer decide erasure requests of ${request.siteIds.join(', ')}`);
    return { ok: true, result: await decideErasure(deps, officer, request.id, { decision: link.decision, reason: link.reason }) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, status: error.status, message: error.message };
    throw error;
  }
}
