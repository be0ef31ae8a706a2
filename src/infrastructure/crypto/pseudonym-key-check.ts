import { jobSeekerIdOf } from '../../application/job-seeker/job-seeker-ids';
import type { EventStore } from '../../application/ports/event-store';
import type { Pseudonymizer } from '../../application/ports/pseudonymizer';
import { ERASED } from '../../domain/privacy/personal-data';

/**
 * Refuses to start with a pseudonym key other than the one the stored ids were derived with: a job seeker's
 * id is a keyed hash of their 求職番号, so with another key a known job seeker would be registered a second
 * time (and device pseudonyms would stop matching). Checked against the data itself: the first registration
 * whose number is still readable (not erased) must hash to its recorded id. A store with none accepts any key.
 * `source` says where the key came from (never the key).
 */
export async function assertPseudonymKeyMatches(store: EventStore, pseudonymizer: Pseudonymizer, source: string): Promise<void> {
  for (let after: bigint | undefined; ;) {
    const page = await store.readAll({ after, limit: 500 });
    if (page.length === 0) return;
    for (const event of page) {
      if (event.type !== 'JobSeekerRegistered') continue;
      const { jobSeekerId, jobSeekerNo, generation } = event.data as { jobSeekerId: string; jobSeekerNo?: unknown; generation?: number };
      if (typeof jobSeekerNo !== 'string' || jobSeekerNo === ERASED) continue;
      if (jobSeekerIdOf(pseudonymizer, jobSeekerNo, generation ?? 0) === jobSeekerId) return;
      throw new Error(
        `The pseudonym key (${source}) is not the key this data's job-seeker ids were derived with: with it, every ` +
          'known job seeker would be registered a second time under a new id. Configure the original key: set ' +
          'PSEUDONYM_KEY to it, or leave PSEUDONYM_KEY unset on an embedded installation to use DATA_DIR/secrets/pseudonym.key.',
      );
    }
    after = page.at(-1)!.position;
  }
}
