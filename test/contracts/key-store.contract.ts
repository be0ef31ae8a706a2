/** The behaviour every KeyStore adapter must have (A8.1: destroying a subject's key is erasure). */
import { randomUUID } from 'node:crypto';
import { type KeyStore, SubjectErased } from '../../src/application/ports/key-store';
import { rejection, times } from './event-store.fixtures';

export function keyStoreContract(name: string, open: () => Promise<KeyStore> | KeyStore): void {
  describe(`KeyStore contract: ${name}`, () => {
    let keys: KeyStore;
    const newSubject = () => `js-${randomUUID()}`;
    const at = new Date('2025-04-01T01:00:00.000Z');

    beforeEach(async () => {
      keys = await open();
    });

    afterEach(async () => {
      await keys.close();
    });

    it('creates a 32-byte key on first use and returns the same key afterwards', async () => {
      const subject = newSubject();

      const first = await keys.keyFor(subject);
      const second = await keys.keyFor(subject);

      expect(first).toBeInstanceOf(Buffer);
      expect(first).toHaveLength(32);
      expect(second.equals(first)).toBe(true);
    });

    it('gives different subjects different keys', async () => {
      const [a, b] = await Promise.all([keys.keyFor(newSubject()), keys.keyFor(newSubject())]);

      expect(a.equals(b)).toBe(false);
    });

    it('finds nothing before the first use, then the key, then erased after destroy', async () => {
      const subject = newSubject();
      expect(await keys.find(subject)).toBeUndefined();

      const key = await keys.keyFor(subject);
      expect(((await keys.find(subject)) as Buffer).equals(key)).toBe(true);

      await keys.destroy(subject, at);
      expect(await keys.find(subject)).toBe('erased');
    });

    it('never re-creates a destroyed key: keyFor throws SubjectErased', async () => {
      const subject = newSubject();
      await keys.keyFor(subject);

      await keys.destroy(subject, at);

      const error = await rejection(keys.keyFor(subject));
      expect(error).toBeInstanceOf(SubjectErased);
      expect(error).toMatchObject({ subject });
      await expect(keys.keyFor(subject)).rejects.toBeInstanceOf(SubjectErased);
    });

    it('destroys idempotently', async () => {
      const subject = newSubject();
      await keys.keyFor(subject);

      await keys.destroy(subject, at);
      await keys.destroy(subject, new Date(at.getTime() + 60_000));

      expect(await keys.find(subject)).toBe('erased');
      await expect(keys.keyFor(subject)).rejects.toBeInstanceOf(SubjectErased);
    });

    it('tombstones a subject that never had a key, so no key is created for it later', async () => {
      const subject = newSubject();

      await keys.destroy(subject, at);

      expect(await keys.find(subject)).toBe('erased');
      await expect(keys.keyFor(subject)).rejects.toBeInstanceOf(SubjectErased);
    });

    it('leaves other subjects’ keys alone on destroy', async () => {
      const [erased, kept] = [newSubject(), newSubject()];
      await keys.keyFor(erased);
      const key = await keys.keyFor(kept);

      await keys.destroy(erased, at);

      expect((await keys.keyFor(kept)).equals(key)).toBe(true);
    });

    it('gives 50 concurrent first uses of a subject the same key', async () => {
      const subject = newSubject();

      const results = await Promise.all(times(50, () => keys.keyFor(subject)));

      expect(new Set(results.map((key) => key.toString('hex'))).size).toBe(1);
      expect(((await keys.find(subject)) as Buffer).equals(results[0])).toBe(true);
    });

    it('gives 100 subjects first used at the same moment a key each, and a destroy among them stays final', async () => {
      const subjects = times(100, () => newSubject());
      const erased = subjects[50];
      await keys.destroy(erased, at);

      const results = await Promise.allSettled(subjects.map((subject) => keys.keyFor(subject)));

      expect(results[50]).toMatchObject({ status: 'rejected', reason: expect.any(SubjectErased) });
      const created = results.filter((result) => result.status === 'fulfilled').map((result) => result.value.toString('hex'));
      expect(new Set(created).size).toBe(99);
      for (const [index, subject] of subjects.entries()) {
        if (index !== 50) expect(((await keys.find(subject)) as Buffer).toString('hex')).toBe(created[index < 50 ? index : index - 1]);
      }
    });
  });
}
