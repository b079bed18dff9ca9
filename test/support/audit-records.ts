import type { CustomerRecord } from '../../core/customer';

/** A Paris customer that passes every audit check of the demo rules; tests plant one defect in a
 * copy of it. */
export const CLEAN_PARIS_RECORD: CustomerRecord = {
  givenName: 'Ann',
  familyName: 'Lee',
  country: 'FR',
  email: 'ann.lee@example.fr',
  phone: '+33612345678',
  postcode: '75002',
  city: 'Paris',
  birthDate: '1980-04-23',
};
