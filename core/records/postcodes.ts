/** Postcode formats by country (ISO 3166-1 alpha-2), with an example a person can follow. */
interface PostcodeFormat {
  pattern: RegExp;
  expected: string;
}

const POSTCODE_FORMATS: Record<string, PostcodeFormat> = {
  FR: { pattern: /^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$/, expected: 'a French postcode of 5 digits, such as 75008' },
  DE: { pattern: /^(?!00)\d{5}$/, expected: 'a German postcode of 5 digits, such as 80331' },
  GB: {
    pattern: /^(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|GIR ?0AA)$/i,
    expected: 'a UK postcode such as SW1A 1AA',
  },
  US: { pattern: /^\d{5}(?:-\d{4})?$/, expected: 'a US ZIP code such as 94105 or 94105-1234' },
  AU: { pattern: /^\d{4}$/, expected: 'an Australian postcode of 4 digits, such as 2000' },
  AT: { pattern: /^\d{4}$/, expected: 'an Austrian postcode of 4 digits, such as 1010' },
  BE: { pattern: /^\d{4}$/, expected: 'a Belgian postcode of 4 digits, such as 1000' },
  CH: { pattern: /^\d{4}$/, expected: 'a Swiss postcode of 4 digits, such as 8001' },
  ES: { pattern: /^(?:0[1-9]|[1-4]\d|5[0-2])\d{3}$/, expected: 'a Spanish postcode of 5 digits, such as 28001' },
  IT: { pattern: /^\d{5}$/, expected: 'an Italian postcode of 5 digits, such as 00184' },
  NL: { pattern: /^[1-9]\d{3} ?[A-Z]{2}$/i, expected: 'a Dutch postcode such as 1012 AB' },
  CA: { pattern: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i, expected: 'a Canadian postal code such as K1A 0B1' },
};

/** What a postcode of the country should look like, or undefined when it is valid or the country's
 * format is not known here (any postcode is then accepted). */
export function postcodeProblem(postcode: string, country: string): string | undefined {
  const format = POSTCODE_FORMATS[country];
  return format && !format.pattern.test(postcode) ? format.expected : undefined;
}

/** The postcode formats as regular expression sources, for checks that run inside PostgreSQL
 * (its regular expressions read these patterns alike; (?i) is its flag for case-insensitive). */
export function postcodePatternsByCountry(): Record<string, string> {
  return Object.fromEntries(Object.entries(POSTCODE_FORMATS).map(([country, { pattern }]) => [country, `${pattern.flags.includes('i') ? '(?i)' : ''}${pattern.source}`]));
}
