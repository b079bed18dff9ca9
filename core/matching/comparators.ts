import type { ComparatorName, MatchField } from '../rules/types';
import type { ComparableRecord } from './keys';
import { editDistance, jaroWinkler } from './similarity';

export type ComparatorParams = Record<string, number | string | boolean>;

/** The level a comparator gives when either side has no value. */
export const MISSING = 'missing';

interface Comparator {
  /** the levels this comparator yields, most agreeing first */
  levels: readonly string[];
  /** compares two values that are both present; the whole records are there for comparators
   * that look across fields (a given name found as the other record's family name) */
  compare(a: string, b: string, context: ComparisonContext): string;
}

interface ComparisonContext {
  field: MatchField;
  left: ComparableRecord;
  right: ComparableRecord;
  params: ComparatorParams;
}

function numberParam(params: ComparatorParams, name: string, fallback: number): number {
  const value = params[name];
  return typeof value === 'number' ? value : fallback;
}

/** Jaro-Winkler similarity at the "close" level and above; names and streets. */
function closeness(params: ComparatorParams): number {
  return numberParam(params, 'close', 0.92);
}

const exact: Comparator = {
  levels: ['exact', 'different'],
  compare: (a, b) => (a === b ? 'exact' : 'different'),
};

const jaroWinklerComparator: Comparator = {
  levels: ['exact', 'close', 'similar', 'different'],
  compare(a, b, { params }) {
    if (a === b) return 'exact';
    const similarity = jaroWinkler(a, b);
    if (similarity >= closeness(params)) return 'close';
    return similarity >= numberParam(params, 'similar', 0.8) ? 'similar' : 'different';
  },
};

const levenshtein: Comparator = {
  levels: ['exact', 'oneEdit', 'twoEdits', 'different'],
  compare(a, b) {
    const distance = editDistance(a, b);
    return distance === 0 ? 'exact' : distance === 1 ? 'oneEdit' : distance === 2 ? 'twoEdits' : 'different';
  },
};

/** The name on the other side of a given/family swap. */
const SWAPPED_FIELD: Partial<Record<MatchField, MatchField>> = { givenName: 'familyName', familyName: 'givenName' };

const name: Comparator = {
  levels: ['exact', 'close', 'swapped', 'initial', 'similar', 'different'],
  compare(a, b, { field, left, right, params }) {
    if (a === b) return 'exact';
    const similarity = jaroWinkler(a, b);
    if (similarity >= closeness(params)) return 'close';
    if (isSwapped(field, left, right, closeness(params))) return 'swapped';
    if (isInitialOrShortForm(a, b) || isInitialOrShortForm(b, a)) return 'initial';
    return similarity >= numberParam(params, 'similar', 0.8) ? 'similar' : 'different';
  },
};

function isSwapped(field: MatchField, left: ComparableRecord, right: ComparableRecord, close: number): boolean {
  if (field === 'fullName') {
    const tokens = (value: string | undefined) => value?.split(' ').sort().join(' ');
    return tokens(left.fullName) === tokens(right.fullName);
  }
  const other = SWAPPED_FIELD[field];
  if (!other) return false;
  const similar = (x: string | undefined, y: string | undefined) => !!x && !!y && jaroWinkler(x, y) >= close;
  return similar(left[field], right[other]) && similar(left[other], right[field]);
}

/** "j" for "john", "rob" for "robert". */
function isInitialOrShortForm(short: string, long: string): boolean {
  return short.length < long.length && (short.length === 1 || short.length >= 3) && long.startsWith(short);
}

const date: Comparator = {
  levels: ['exact', 'dayMonthSwapped', 'oneComponent', 'twoDigits', 'sameYear', 'different'],
  compare(a, b) {
    if (a === b) return 'exact';
    const [yearA, monthA, dayA] = a.split('-');
    const [yearB, monthB, dayB] = b.split('-');
    if (yearA === yearB && monthA === dayB && dayA === monthB) return 'dayMonthSwapped';
    const agreeing = Number(yearA === yearB) + Number(monthA === monthB) + Number(dayA === dayB);
    if (agreeing === 2) return 'oneComponent';
    // typing errors in two digits spread over two components ("2009-08-25" for "2008-08-27")
    if (editDistance(a, b) <= 2) return 'twoDigits';
    return yearA === yearB ? 'sameYear' : 'different';
  },
};

const email: Comparator = {
  levels: ['exact', 'close', 'sameLocalPart', 'sameDomain', 'different'],
  compare(a, b, { params }) {
    if (a === b) return 'exact';
    if (jaroWinkler(a, b) >= numberParam(params, 'close', 0.95)) return 'close';
    const [localA, domainA] = splitEmail(a);
    const [localB, domainB] = splitEmail(b);
    if (localA === localB) return 'sameLocalPart';
    return domainA === domainB ? 'sameDomain' : 'different';
  },
};

function splitEmail(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return at < 0 ? [address, ''] : [address.slice(0, at), address.slice(at + 1)];
}

const phone: Comparator = {
  levels: ['exact', 'sameLastDigits', 'oneEdit', 'different'],
  compare(a, b, { params }) {
    if (a === b) return 'exact';
    const lastDigits = numberParam(params, 'lastDigits', 8);
    if (a.length >= lastDigits && a.slice(-lastDigits) === b.slice(-lastDigits)) return 'sameLastDigits';
    return editDistance(a, b) === 1 ? 'oneEdit' : 'different';
  },
};

const postcode: Comparator = {
  levels: ['exact', 'oneEdit', 'sameArea', 'different'],
  compare(a, b, { params }) {
    if (a === b) return 'exact';
    if (editDistance(a, b) === 1) return 'oneEdit';
    // the area is what is left without the last characters: the outward code of a UK postcode
    const localLength = numberParam(params, 'localLength', 3);
    const area = (value: string) => value.slice(0, Math.max(0, value.length - localLength));
    // a one-character area (a 4-digit postcode's first digit) says next to nothing
    return area(a).length >= 2 && area(a) === area(b) ? 'sameArea' : 'different';
  },
};

const COMPARATORS: Record<ComparatorName, Comparator> = {
  exact,
  jaroWinkler: jaroWinklerComparator,
  levenshtein,
  name,
  date,
  email,
  phone,
  postcode,
};

/** The levels a comparator yields besides "missing", most agreeing first. */
export function comparatorLevels(comparator: ComparatorName): readonly string[] {
  return COMPARATORS[comparator].levels;
}

/** The agreement level of one field of two records: "missing" when either side has no value. */
export function compareField(
  comparator: ComparatorName,
  field: MatchField,
  left: ComparableRecord,
  right: ComparableRecord,
  params: ComparatorParams = {},
): string {
  const a = left[field];
  const b = right[field];
  if (a === undefined || b === undefined) return MISSING;
  return COMPARATORS[comparator].compare(a, b, { field, left, right, params });
}
