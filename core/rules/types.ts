import type { AuditRules, SiteAuditRules } from '../audits/types';
import type { CustomerField } from '../customer';
import type { RetentionRules } from '../retention/types';

/** The rules in force for one site: rules/global.json with rules/sites/<site>.json merged over it.
 * Every part is required here; the files themselves may leave out what the global file sets. */
export interface SiteRules {
  site: SiteIdentity;
  fields: FieldRules;
  normalisation: NormalisationRules;
  matching: MatchingRules;
  survivorship: SurvivorshipRules;
  stewardship: StewardshipRules;
  sla: SlaRules;
  calendar: CalendarRules;
  review: ReviewRules;
  emailTemplates: EmailTemplates;
  audits: AuditRules;
  retention: RetentionRules;
}

export interface SiteIdentity {
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2 */
  country: string;
  /** IANA time zone, e.g. Europe/Paris */
  timeZone: string;
  /** e.g. "EU-GDPR", "US-CA-CCPA" */
  jurisdiction: string;
}

export interface FieldRules {
  /** fields a record must carry to be accepted */
  required: CustomerField[];
  /** extra per-field patterns on top of the built-in format checks (email, phone, dates, country) */
  patterns: Partial<Record<CustomerField, { regex: string; description: string }>>;
  /** a birth date outside this age range is rejected as implausible */
  birthDate: { minAgeYears: number; maxAgeYears: number };
}

export interface NormalisationRules {
  /** country used to read phone numbers written without an international prefix */
  defaultPhoneCountry: string;
  /** country assumed when a record has none */
  defaultCountry: string;
  /** how stored names are cased; match keys are always lower case */
  nameCase: 'preserve' | 'title' | 'upper' | 'lower';
  /** strip accents from stored values; match keys are always stripped */
  stripAccents: boolean;
}

/** Names the scorer can compare: any customer field, or the given and family names together. */
export type MatchField = CustomerField | 'fullName';

export type ComparatorName =
  | 'exact'
  | 'jaroWinkler'
  | 'levenshtein'
  | 'name'
  | 'date'
  | 'email'
  | 'phone'
  | 'postcode';

/** m = P(level | same person), u = P(level | different people). Weight = log2(m / u). */
export interface LevelProbabilities {
  m: number;
  u: number;
}

export interface FieldComparison {
  field: MatchField;
  comparator: ComparatorName;
  /** comparator settings, e.g. { "close": 0.92 } for a Jaro-Winkler similarity level */
  params?: Record<string, number | string | boolean>;
  /** m and u for each level the comparator yields; a missing value on either side weighs 0 */
  levels: Record<string, LevelProbabilities>;
  /** the u of the exact level follows how common the value is among the stored persons */
  termFrequency?: boolean;
}

export interface BlockingKey {
  name: string;
  /** the match-key columns that must agree (exact) or be similar (trigram) */
  fields: MatchField[];
  /** exact: keys equal; trigram: pg_trgm similarity; phonetic: names by Soundex, a birth date by its year */
  method: 'exact' | 'trigram' | 'phonetic';
  /** pg_trgm similarity for the trigram method */
  minSimilarity?: number;
}

export interface MatchingRules {
  blocking: BlockingKey[];
  comparisons: FieldComparison[];
  /** prior probability that a candidate pair found by blocking is the same person */
  priorProbability: number;
  /** match probability at or above which a record links without review, and the floor of review */
  thresholds: { autoLink: number; review: number };
  /** most candidates scored per record */
  maxCandidates: number;
}

export type SurvivorshipStrategy =
  | 'mostRecent'
  | 'mostComplete'
  | 'mostFrequent'
  | 'sitePriority'
  | 'sourcePriority';

export interface SurvivorshipRules {
  default: SurvivorshipStrategy;
  fields: Partial<Record<CustomerField, SurvivorshipStrategy>>;
  /** site ids, most trusted first */
  sitePriority: string[];
  /** source system names, most trusted first */
  sourcePriority: string[];
}

export interface StewardshipRules {
  /** emails of the site's data stewards */
  stewards: string[];
  /** emails of the back-up stewards that escalations go to */
  backups: string[];
  /** emails of the compliance officers */
  complianceOfficers: string[];
}

/** ISO 8601 durations, counted on the site's working calendar. */
export interface SlaRules {
  reviewRemindAfter: string;
  reviewEscalateAfter: string;
  reviewExpireAfter: string;
}

/** The site's working calendar; its time zone is the site's (SiteIdentity.timeZone). */
export interface CalendarRules {
  /** ISO weekdays: 1 = Monday .. 7 = Sunday */
  workingDays: number[];
  /** local wall-clock times, "HH:MM", start before end */
  workingHours: { start: string; end: string };
  /** local dates, YYYY-MM-DD */
  holidays: string[];
}

export type ReviewExpiryOutcome = 'keepDistinct' | 'merge' | 'leaveOpen';

export interface ReviewRules {
  /** the person whose action created the record may not decide its review */
  fourEyes: boolean;
  /** merge approvals needed before a merge is made */
  quorum: number;
  /** what happens to a review still open at sla.reviewExpireAfter */
  expiryOutcome: ReviewExpiryOutcome;
  /** ISO 8601 duration an email link works for, in elapsed time */
  linkValidFor: string;
}

/** One mail as handlebars templates: subject and text unescaped, html escaped. */
export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

export interface EmailTemplates {
  /** BCP 47 language tag the percent and dateTime helpers format for, e.g. de-DE */
  locale: string;
  reviewRequest: MailTemplate;
  reviewReminder: MailTemplate;
  reviewEscalation: MailTemplate;
  /** to the compliance officers when an audit run finishes (core/audits/report-mail) */
  auditReport: MailTemplate;
  /** to the compliance officers of the sites an erasure request concerns, and to its requester
   * when it ends (core/erasure-mail) */
  erasureRequest: MailTemplate;
  erasureReminder: MailTemplate;
  erasureEscalation: MailTemplate;
  erasureOutcome: MailTemplate;
}

/** rules/global.json: company-wide defaults, and the JSON pointers that sites may not change. */
export interface GlobalRuleFile {
  company: { name: string };
  /** JSON pointers into SiteRules that a site file may not set to another value */
  locks: string[];
  fields: FieldRules;
  normalisation: NormalisationRules;
  matching: MatchingRules;
  survivorship: SurvivorshipRules;
  stewardship: StewardshipRules;
  sla: SlaRules;
  calendar: CalendarRules;
  review: ReviewRules;
  emailTemplates: EmailTemplates;
  audits: AuditRules;
  retention: RetentionRules;
  /** how admins publish rule changes (global file only) */
  administration?: AdministrationRules;
}

export interface AdministrationRules {
  /** every publication waits until another admin of the same scope approves it */
  secondAdminApproval?: boolean;
}

type DeepPartial<T> = T extends readonly (infer _U)[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** rules/sites/<site>.json: the site's identity and whatever it overrides. */
export type SiteRuleFile = { site: SiteIdentity } & DeepPartial<Omit<SiteRules, 'site' | 'audits'>> & {
  /** audit checks merge with the global ones by id (see core/audits/merge-checks) */
  audits?: SiteAuditRules;
};

/** Site rules with the content hash of their merged form: the version every decision records. */
export interface VersionedSiteRules {
  rules: SiteRules;
  version: string;
}

/** Where the rules in force come from (the registry of rule files, later the database). */
export interface SiteRulesSource {
  forSite(siteId: string): VersionedSiteRules | undefined;
  siteIds(): string[];
}
