/** The fields of a customer record, as every site sends them and as golden records hold them. */
export const CUSTOMER_FIELDS = [
  'givenName',
  'familyName',
  'birthDate',
  'email',
  'phone',
  'street',
  'addressLine2',
  'postcode',
  'city',
  'region',
  'country',
  'nationalId',
] as const;

export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

/** A customer record: every value a string, any may be missing. Raw (as sent) or normalised
 * (canonical forms: birthDate YYYY-MM-DD, phone E.164, email lower case, country ISO 3166 alpha-2). */
export type CustomerRecord = Partial<Record<CustomerField, string>>;

export function isCustomerField(name: string): name is CustomerField {
  return (CUSTOMER_FIELDS as readonly string[]).includes(name);
}

/** One thing wrong with a record: which field, which rule, and what was expected. Never the value
 * itself, so problems can be logged and stored without personal data. */
export interface RecordProblem {
  field: string;
  rule: string;
  expected: string;
}

/** A field's name as people read it: "addressLine2" reads "Address line 2". */
export function fieldLabel(field: string): string {
  const words = field.replace(/([A-Z]|\d+)/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
