import type { AuditInput } from '../core/audits/types';
import type { ScheduleKind } from './schedules';

/** Audit schedules (services/schedules) start auditRun with the site only, so each run audits
 * the site under the rules in force when it runs; they carry no options of their own. */
export const AUDIT_SCHEDULES: ScheduleKind = {
  kind: 'audit',
  workflowType: 'auditRun',
  input: (siteId): AuditInput => ({ siteId }),
  parseOptions: () => ({}),
  optionFields: [],
};
