import type { Client } from '@temporalio/client';
import type { SiteRulesSource, VersionedSiteRules } from '../core/rules/types';
import type { Db } from '../runtime/db';
import { notFound } from './errors';

/** What every route may use. */
export interface ApiContext {
  db: Db;
  rules: SiteRulesSource;
  temporal: Client;
  taskQueue: string;
  onboardingWaitMs: number;
  publicUrl: string;
  outboxEnabled: boolean;
  log: (line: string) => void;
  /** called after a rules publication, so this process takes it at once rather than at its next poll */
  rulesPublished?: () => Promise<unknown>;
}

/** The rules of a site, or 404 for a site no rule file defines. */
export function siteRules(context: ApiContext, siteId: string): VersionedSiteRules {
  const rules = context.rules.forSite(siteId);
  if (!rules) throw notFound(`unknown site "${siteId}": known sites are ${context.rules.siteIds().join(', ')}`);
  return rules;
}
