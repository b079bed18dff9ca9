import type { ErasureStatus } from './erasure';

/** The mails of an erasure request. They name the request, its sites and its deadline, never the
 * person: the values stay behind the API. */

export type ErasureOfficerMailKind = 'request' | 'reminder' | 'escalation';

export interface ErasureMailContext {
  requestId: string;
  siteIds: string[];
  deadlineAt: string;
  publicUrl: string;
  /** the recipient's own link to the decision page (works once) */
  link: string;
}

export function erasureOfficerMail(kind: ErasureOfficerMailKind, context: ErasureMailContext): { subject: string; text: string } {
  const lead = {
    request: 'An erasure request awaits your approval.',
    reminder: 'Reminder: an erasure request still awaits your approval.',
    escalation: 'Escalation: an erasure request is still undecided and its legal deadline is near.',
  }[kind];
  const subject = {
    request: `Erasure request ${context.requestId} awaits approval`,
    reminder: `Reminder: erasure request ${context.requestId} awaits approval`,
    escalation: `Escalated: erasure request ${context.requestId} is undecided`,
  }[kind];
  const text = [
    lead,
    '',
    `Request: ${context.requestId}`,
    `Sites concerned: ${context.siteIds.join(', ')}`,
    `Legal deadline: ${context.deadlineAt}`,
    '',
    `Decide from this link (it works once): ${context.link}`,
    '',
    `Or through the API: GET ${context.publicUrl}/api/erasure-requests/${context.requestId}`,
    `and POST ${context.publicUrl}/api/erasure-requests/${context.requestId}/decision with {"decision": "approve" | "reject", "reason": "..."}`,
  ].join('\n');
  return { subject, text };
}

export function erasureOutcomeMail(context: { requestId: string; status: ErasureStatus; why: string | null }): { subject: string; text: string } {
  const outcome: Record<ErasureStatus, string> = {
    completed: 'was carried out: the person\'s data is erased at every site',
    rejected: 'was rejected',
    refused: 'cannot be carried out',
    approved: 'was approved',
    pending_approval: 'awaits approval',
  };
  const subject = `Erasure request ${context.requestId} ${outcome[context.status].split(':')[0]}`;
  const text = [`Your erasure request ${context.requestId} ${outcome[context.status]}.`, ...(context.why ? ['', `Why: ${context.why}`] : [])].join('\n');
  return { subject, text };
}
