/** A customer as the Paris head office's CRM sends her; the tests onboard her first. */
export const marie = {
  givenName: 'Marie-Hélène',
  familyName: 'Dupont',
  birthDate: '1984-03-12',
  email: 'Marie.Dupont@Example.fr',
  phone: '06 12 34 56 78',
  street: '12 rue de la Paix',
  postcode: '75002',
  city: 'Paris',
  country: 'FR',
};

/** Same given names, the family name spelt otherwise, another email, nothing else to go on: lands
 * in the Paris review band against Marie. */
export const marieNearDuplicate = { givenName: 'Marie-Hélène', familyName: 'Dupond', email: 'mh.dupond@example.org', country: 'FR' };
