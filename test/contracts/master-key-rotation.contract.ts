/** Master-key rotation, for every key store adapter: re-wrap every key, resumable, and only the new key opens them after. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { KeyStore, MasterKeyRotation } from '../../src/application/ports/key-store';

export type OpenForRotation = (masterKey: Buffer, options?: { verifyMasterKey?: boolean }) => Promise<KeyStore & MasterKeyRotation>;

export function masterKeyRotationContract(name: string, open: OpenForRotation): void {
  describe(`MasterKeyRotation contract: ${name}`, () => {
    const at = new Date('2025-04-01T01:00:00.000Z');
    const opened: KeyStore[] = [];
    const openStore = async (masterKey: Buffer, options?: { verifyMasterKey?: boolean }) => {
      const store = await open(masterKey, options);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    /** Five live keys and one destroyed, all under `oldKey`; returns the live keys by subject. */
    async function fill(oldKey: Buffer) {
      const store = await openStore(oldKey);
      const live = new Map<string, Buffer>();
      for (let i = 0; i < 5; i++) {
        const subject = `js-${randomUUID()}`;
        live.set(subject, await store.keyFor(subject));
      }
      const erased = `js-${randomUUID()}`;
      await store.keyFor(erased);
      await store.destroy(erased, at);
      return { live, erased };
    }

    it('re-wraps every key: the new master key opens them all (the same data keys), the old one none; destroyed stays destroyed', async () => {
      const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
      const { live, erased } = await fill(oldKey);
      const steps: number[] = [];
      const result = await (await openStore(oldKey, { verifyMasterKey: false })).rewrapAll(newKey, (p) => steps.push(p.done));
      expect(result).toMatchObject({ rewrapped: 5, alreadyNew: 0 });
      expect(result.total).toBeGreaterThanOrEqual(5);
      expect(steps).toEqual(Array.from({ length: result.total }, (_, i) => i + 1)); // progress after every key

      const rotated = await openStore(newKey);
      for (const [subject, key] of live) expect(((await rotated.find(subject)) as Buffer).equals(key)).toBe(true);
      expect(await rotated.find(erased)).toBe('erased');

      await expect(openStore(oldKey)).rejects.toThrow(/master key is not the one it was stored with/);
      const withOld = await openStore(oldKey, { verifyMasterKey: false });
      for (const subject of live.keys()) await expect(withOld.find(subject)).rejects.toThrow(/master key is not the one/);
    });

    it('resumes an interrupted rotation: keys done stay done, the rest are re-wrapped by the next run', async () => {
      const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
      const { live } = await fill(oldKey);
      const interrupted = await openStore(oldKey, { verifyMasterKey: false });
      await expect(
        interrupted.rewrapAll(newKey, (p) => {
          if (p.done === 2) throw new Error('power cut');
        }),
      ).rejects.toThrow('power cut');

      const resumed = await (await openStore(oldKey, { verifyMasterKey: false })).rewrapAll(newKey);
      expect(resumed.alreadyNew).toBe(2);
      expect(resumed.rewrapped).toBe(resumed.total - 2);
      const again = await (await openStore(oldKey, { verifyMasterKey: false })).rewrapAll(newKey);
      expect(again).toMatchObject({ rewrapped: 0, alreadyNew: again.total });

      const rotated = await openStore(newKey);
      for (const [subject, key] of live) expect(((await rotated.find(subject)) as Buffer).equals(key)).toBe(true);
    });
  });
}
