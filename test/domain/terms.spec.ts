import { termsDecider, termsVersionInForce } from '../../src/domain/terms/terms';
import { specFor } from './given-when-then';
import { NOW, termsPublished, termsState } from './fixtures';

const terms = specFor(termsDecider);

const publish = (version: string, effectiveFrom: string, now = NOW) =>
  ({ type: 'PublishTermsVersion', version, effectiveFrom, title: `オンライン職業相談等利用規約 ${version}`, summary: 'summary', now }) as const;

describe('A13 terms are versioned with an effective date', () => {
  it('publishes a version with its effective date and the publication instant', () => {
    terms
      .given([])
      .when(publish('v1', '2026-12-01'))
      .then([
        {
          type: 'TermsVersionPublished',
          data: {
            version: 'v1',
            effectiveFrom: '2026-12-01',
            title: 'オンライン職業相談等利用規約 v1',
            summary: 'summary',
            publishedAt: NOW.toISOString(),
          },
        },
      ]);
  });

  it('publishes a later version after an earlier one', () => {
    terms
      .given([termsPublished('v1', '2026-04-01')])
      .when(publish('v2', '2027-01-04'))
      .thenEvents((events) => expect(events.map((e) => e.data.version)).toEqual(['v2']));
  });

  it('accepts a version taking effect today (JST)', () => {
    terms
      .given([])
      .when(publish('v1', '2026-11-26'))
      .thenEvents((events) => expect(events).toHaveLength(1));
  });

  it('rejects a version taking effect in the past, judged by the JST date', () => {
    terms
      .given([])
      .when(publish('v1', '2026-11-25'))
      .thenRejected('A13', /cannot take effect in the past/);
    // 2026-11-26T15:30Z is already 2026-11-27 in JST: the 26th is in the past there.
    terms
      .given([])
      .when(publish('v1', '2026-11-26', new Date('2026-11-26T15:30:00Z')))
      .thenRejected('A13', /today is 2026-11-27 JST/);
  });

  it('rejects a version that does not take effect after the latest one (out of order)', () => {
    terms
      .given([termsPublished('v1', '2027-01-04')])
      .when(publish('v2', '2026-12-01'))
      .thenRejected('A13', /must take effect after version v1/);
    terms
      .given([termsPublished('v1', '2027-01-04')])
      .when(publish('v2', '2027-01-04'))
      .thenRejected('A13', /must take effect after version v1/);
  });

  it('rejects publishing the same version twice', () => {
    terms
      .given([termsPublished('v1', '2026-04-01')])
      .when(publish('v1', '2027-01-04'))
      .thenRejected('A13', /already been published/);
  });

  it('puts in force, on a date, the latest version effective on or before it', () => {
    const state = termsState([termsPublished('v1', '2026-04-01'), termsPublished('v2', '2027-01-04')]);
    expect(termsVersionInForce(state, '2026-03-31')).toBeUndefined();
    expect(termsVersionInForce(state, '2026-04-01')?.version).toBe('v1');
    expect(termsVersionInForce(state, '2027-01-01')?.version).toBe('v1');
    expect(termsVersionInForce(state, '2027-01-04')?.version).toBe('v2');
    expect(termsVersionInForce(state, '2027-06-01')?.version).toBe('v2');
  });
});
