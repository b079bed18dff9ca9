import { personalValuePattern, personalValues } from '../../core/erasure';

describe('the values erasure looks for in free text', () => {
  it('takes every form of each value, longest first, and skips short and generic ones', () => {
    const values = personalValues([{ givenName: 'Marie-Hélène', familyName: 'Dupont', email: 'Marie.Dupont@Example.fr', country: 'FR', postcode: '750' }]);
    expect(values).toEqual(expect.arrayContaining(['Marie-Hélène', 'MARIE-HÉLÈNE', 'marie helene', 'Dupont', 'DUPONT', 'marie.dupont@example.fr']));
    expect(values).not.toContain('FR');
    expect(values).not.toContain('750');
    expect(values[0].length).toBeGreaterThanOrEqual(values[values.length - 1].length);
  });

  it('builds one regular expression with the special characters escaped', () => {
    const pattern = personalValuePattern(['a.b+c@example.fr', '(06) 12'])!;
    expect(new RegExp(pattern).test('mail a.b+c@example.fr here')).toBe(true);
    expect(new RegExp(pattern).test('axb+c@example.fr')).toBe(false);
    expect(new RegExp(pattern).test('call (06) 12')).toBe(true);
    expect(personalValuePattern([])).toBeUndefined();
  });
});
