import { RuleViolation } from '../../src/domain/shared/errors';
import { catalogue, jstDateTime, languageOf } from '../../src/domain/shared/messages';

describe('the message catalogue', () => {
  it('has a Japanese and an English text for every code', () => {
    for (const [code, texts] of Object.entries(catalogue)) {
      expect({ code, ja: typeof texts.ja, en: typeof texts.en }).toEqual({ code, ja: 'function', en: 'function' });
    }
  });

  it('refuses, at compile time, a code it does not have or parameters its texts do not take', () => {
    const compiles = [
      // @ts-expect-error: no such code in the catalogue
      () => new RuleViolation('A6.2', 'no.such.code'),
      // @ts-expect-error: slot.taken needs the start
      () => new RuleViolation('SLOT', 'slot.taken'),
      // @ts-expect-error: wishes.count takes no parameters
      () => new RuleViolation('A6.2', 'wishes.count', { wish: 2 }),
    ];
    expect(compiles).toHaveLength(3);
  });

  it('writes instants in JST, with seconds only when there are some', () => {
    expect(jstDateTime('ja', new Date('2026-12-02T01:00:00Z'))).toBe('2026年12月2日（水）10:00');
    expect(jstDateTime('ja', new Date('2026-12-01T15:30:30Z'))).toBe('2026年12月2日（水）00:30:30');
    expect(jstDateTime('en', '2026-12-02T01:00:00.000Z')).toBe('2026-12-02 10:00 JST');
  });

  it.each([
    [undefined, 'ja'],
    ['', 'ja'],
    ['en', 'en'],
    ['en-GB', 'en'],
    ['ja-JP,en;q=0.9', 'ja'],
    ['en;q=0.9,ja;q=0.8', 'en'],
    ['*', 'ja'],
    ['de,en;q=0', 'ja'],
  ])('answers Accept-Language %p in %s', (header, language) => {
    expect(languageOf(header)).toBe(language);
  });
});
