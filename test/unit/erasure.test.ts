import { personalValuePattern, personalValues } from '../../core/erasure';

describe('the values erasure looks for outside the person\'s own records', () => {
  const marie = { givenName: 'Marie-Hélène', familyName: 'Dupont', email: 'Marie.Dupont@Example.fr', phone: '06 12 34 56 78', street: '12 rue de la Paix', city: 'Paris', postcode: '75002', country: 'FR', birthDate: '1984-03-12' };

  it('look for identifiers everywhere, and for names and the street in free text only, in every form', () => {
    const { identifiers, freeText } = personalValues([marie, { ...marie, email: 'marie.dupont@example.fr', phone: '+33612345678' }]);
    expect(identifiers).toEqual(expect.arrayContaining(['Marie.Dupont@Example.fr', 'marie.dupont@example.fr', '06 12 34 56 78', '0612345678', '+33612345678']));
    expect(identifiers).not.toContain('Dupont');
    expect(freeText).toEqual(expect.arrayContaining([...identifiers, 'Marie-Hélène', 'MARIE-HÉLÈNE', 'marie helene', 'Dupont', 'DUPONT', '12 rue de la Paix']));
    expect(identifiers[0].length).toBeGreaterThanOrEqual(identifiers[identifiers.length - 1].length);
  });

  it('never look for what many people share: city, postcode, country, birth date', () => {
    const { freeText } = personalValues([marie]);
    for (const shared of ['Paris', 'paris', '75002', 'FR', '1984-03-12']) expect(freeText).not.toContain(shared);
  });

  it('build one regular expression with the special characters escaped', () => {
    const pattern = personalValuePattern(['a.b+c@example.fr', '(06) 12'])!;
    expect(new RegExp(pattern).test('mail a.b+c@example.fr here')).toBe(true);
    expect(new RegExp(pattern).test('axb+c@example.fr')).toBe(false);
    expect(new RegExp(pattern).test('call (06) 12')).toBe(true);
    expect(personalValuePattern([])).toBeUndefined();
  });
});
