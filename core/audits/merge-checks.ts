import { SEVERITIES, type AuditCheck, type Severity, type SiteAuditCheck } from './types';

/** A site's checks over the global ones. Rule files replace arrays on merge, which would let a site
 * drop a company-wide check by listing its own; audit checks merge by id instead: a site check
 * with a global id overlays that check (to tighten it), a new id adds a check. Global order first. */
export function mergeAuditChecks(global: readonly AuditCheck[], site: readonly SiteAuditCheck[] | undefined): AuditCheck[] {
  const siteById = new Map((site ?? []).map((check) => [check.id, check]));
  const merged = global.map((check) => ({ ...check, ...definedValues(siteById.get(check.id)) }));
  const globalIds = new Set(global.map((check) => check.id));
  // a new check is complete once the site file is valid (core/rules/validate-audits)
  const added = (site ?? []).filter((check) => !globalIds.has(check.id)) as AuditCheck[];
  return [...merged, ...added];
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

function definedValues(check: SiteAuditCheck | undefined): Partial<AuditCheck> {
  return Object.fromEntries(Object.entries(check ?? {}).filter(([, value]) => value !== undefined));
}
