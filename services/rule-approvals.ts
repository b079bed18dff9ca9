import { isUuid } from '../core/ids';
import { ruleFileOfScope } from '../core/rules/rule-scope';
import type { Db } from '../runtime/db';
import { findApproval, markApproved, markSuperseded } from '../store/rule-approvals';
import type { User } from '../store/users';
import { AppError, conflict, forbidden, notFound } from '../api/errors';
import { checkedBase, insertVersion, publishing, type PublishedVersion } from './rule-publishing';

/** A second admin approves a pending publication: it is published as it was requested, if its
 * base is still the current version (409 otherwise) and the set still validates. */
export async function approvePublication(db: Db, scope: string, approvalId: string, approver: User): Promise<PublishedVersion> {
  return publishing(scope, () =>
    db.transaction(async (trx) => {
      const approval = isUuid(approvalId) ? await findApproval(trx, scope, approvalId, { forUpdate: true }) : undefined;
      if (!approval) throw notFound(`no pending publication ${approvalId} of ${ruleFileOfScope(scope)}`);
      if (approval.status !== 'pending') throw conflict(`publication ${approvalId} was ${approval.status} at ${approval.decidedAt?.toISOString()} by user ${approval.decidedBy}`);
      if (approval.author === approver.id) throw forbidden('a second admin must approve: you asked for this publication yourself');
      let checked: Awaited<ReturnType<typeof checkedBase>>;
      try {
        checked = await checkedBase(trx, scope, approval.baseVersion, approval.contentHash, approval.fileText);
      } catch (error) {
        if (!(error instanceof AppError && error.status === 409)) throw error;
        // it can never be published as it is: keep that (the transaction commits), then say 409
        await markSuperseded(trx, approval.id, approver.id);
        return { superseded: error };
      }
      await markApproved(trx, approval.id, approver.id);
      return insertVersion(
        trx,
        {
          scope,
          file: { content: approval.content, fileText: approval.fileText },
          comment: approval.comment,
          restoresVersion: approval.restoresVersion ?? undefined,
          authorId: approval.author,
          approvedBy: approver.id,
          contentHash: approval.contentHash,
        },
        checked,
      );
    }),
  ).then((outcome) => {
    if ('superseded' in outcome) throw outcome.superseded;
    return outcome;
  });
}
