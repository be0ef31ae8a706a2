import { ClientSession, Collection, Db, Document as MongoDocument, Filter, MongoClient, MongoServerError, Sort } from 'mongodb';
import type {
  CollectionSpec,
  Condition,
  Document,
  FindOptions,
  FoundPage,
  ReadStore,
  ReadStoreWriter,
  ReadTransaction,
  Scalar,
  Where,
} from '../../../application/ports/read-store';
import { UnknownCollection } from '../../../application/ports/read-store';
import { connectOrExplain, databaseInUrl, mongoClientOptions } from '../../mongodb/client-options';
import { checkCollectionName, checkField, cursorAfter, decodeCursor, isOperator, pageLimit, pageOffset, sortKeys } from '../query';

export interface MongoReadStoreOptions {
  /** Defaults to the database named in the URL, else 'madoguchi'. */
  database?: string;
}

const DEFAULT_DATABASE = 'madoguchi';
const NAMESPACE_EXISTS = 48;

interface ConsumerDocument {
  _id: string;
  active: number;
}
interface GenerationDocument {
  _id: string;
  consumer: string;
  generation: number;
  collections: CollectionSpec[];
  /** Decimal string: EventStoreDB commit positions may exceed 2^53. */
  checkpoint: string | null;
}
type Stored = { _id: string } & MongoDocument;

const physical = (collection: string, generation: number) => `rs_${checkCollectionName(collection)}_g${generation}`;
const generationId = (consumer: string, generation: number) => `${consumer}#${generation}`;
const path = (field: string) => (field === 'id' ? '_id' : checkField(field));

const toStored = (document: { id: string }): Stored => {
  const { id, ...rest } = document as Document;
  return { _id: id, ...rest };
};
const fromStored = <T>(stored: Stored | null): T | undefined => {
  if (!stored) return undefined;
  const { _id, ...rest } = stored;
  return { id: _id, ...rest } as T;
};

/**
 * The production read store: each collection of each generation is a MongoDB collection (documents
 * keyed by `_id` = id), indexes created when a consumer registers (at start-up). A consumer's batch and
 * its checkpoint are written in one multi-document transaction (`session.withTransaction`, majority
 * write concern, snapshot reads), so they commit together or not at all — the deployment is already a
 * replica set (the README requires one). Storing the position in each document and checking it on
 * every update would also be idempotent, but it would leave a batch half-applied after a crash, visible
 * to readers (a reservation changed, its timeline not yet) — so transactions it is.
 */
export class MongoReadStore implements ReadStore {
  readonly kind = 'mongodb';
  private readonly owners = new Map<string, string>();
  private readonly consumers: Collection<ConsumerDocument>;
  private readonly generationDocs: Collection<GenerationDocument>;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {
    this.consumers = db.collection<ConsumerDocument>('read_consumers');
    this.generationDocs = db.collection<GenerationDocument>('read_generations');
  }

  static async connect(url: string, options: MongoReadStoreOptions = {}): Promise<MongoReadStore> {
    const client = new MongoClient(url, mongoClientOptions(url));
    try {
      await connectOrExplain(client, 'The read store');
      return new MongoReadStore(client, client.db(options.database ?? databaseInUrl(url) ?? DEFAULT_DATABASE));
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  async register(consumer: string, collections: CollectionSpec[]): Promise<void> {
    for (const c of collections) {
      checkCollectionName(c.name);
      const owner = this.owners.get(c.name);
      if (owner && owner !== consumer) throw new UnknownCollection(c.name, `already owned by ${owner}`);
    }
    await this.consumers.updateOne({ _id: consumer }, { $setOnInsert: { active: 1 } }, { upsert: true });
    const generation = await this.active(consumer);
    await this.generationDocs.updateOne(
      { _id: generationId(consumer, generation) },
      { $set: { collections }, $setOnInsert: { consumer, generation, checkpoint: null } },
      { upsert: true },
    );
    await this.createCollections(collections, generation);
    for (const c of collections) this.owners.set(c.name, consumer);
  }

  private async createCollections(collections: CollectionSpec[], generation: number): Promise<void> {
    for (const c of collections) {
      const name = physical(c.name, generation);
      try {
        await this.db.createCollection(name);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
      }
      for (const index of c.indexes ?? []) {
        await this.db.collection(name).createIndex(Object.fromEntries(index.fields.map((f) => [path(f.field), f.direction === 'desc' ? -1 : 1])), {
          unique: index.unique ?? false,
        });
      }
    }
  }

  private async active(consumer: string, session?: ClientSession): Promise<number> {
    const found = await this.consumers.findOne({ _id: consumer }, { session });
    if (!found) throw new Error(`Read-store consumer ${consumer} is not registered`);
    return found.active;
  }

  /**
   * The active generation, read by a write to the consumer's document: two transactions of one consumer
   * (two instances, or the live consumer and a rebuild's switch-over) then conflict, and one is retried
   * on what the other committed, instead of both committing on different generations.
   */
  private async claim(consumer: string, session: ClientSession): Promise<number> {
    const found = await this.consumers.findOneAndUpdate({ _id: consumer }, { $inc: { transactions: 1 } }, { session, returnDocument: 'after' });
    if (!found) throw new Error(`Read-store consumer ${consumer} is not registered`);
    return found.active;
  }

  private owner(collection: string): string {
    const owner = this.owners.get(collection);
    if (!owner) throw new UnknownCollection(collection, 'no consumer registered it in this process');
    return owner;
  }

  private async collectionOf(collection: string): Promise<Collection<Stored>> {
    return this.db.collection<Stored>(physical(collection, await this.active(this.owner(collection))));
  }

  // ── reads of committed documents ───────────────────────────────────────────────────────────

  async get<T extends { id: string } = Document>(collection: string, id: string): Promise<T | undefined> {
    return getIn<T>(await this.collectionOf(collection), id);
  }

  async find<T extends { id: string } = Document>(collection: string, options: FindOptions = {}): Promise<FoundPage<T>> {
    return findIn<T>(await this.collectionOf(collection), options);
  }

  async count(collection: string, where: Where = {}): Promise<number> {
    return (await this.collectionOf(collection)).countDocuments(toFilter(where));
  }

  // ── transactions ───────────────────────────────────────────────────────────────────────────

  async transaction<T>(consumer: string, work: (tx: ReadTransaction) => Promise<T>, generation?: number): Promise<T> {
    const session = this.client.startSession();
    try {
      return await session.withTransaction(
        async () => {
          const active = await this.claim(consumer, session);
          return work(this.transactionOn(consumer, generation ?? active, session));
        },
        { readConcern: { level: 'snapshot' }, writeConcern: this.client.options.writeConcern },
      );
    } finally {
      await session.endSession();
    }
  }

  private transactionOn(consumer: string, generation: number, session: ClientSession): ReadTransaction {
    const own = (collection: string) => {
      if (this.owner(collection) !== consumer) throw new UnknownCollection(collection, `not owned by ${consumer}`);
      return this.db.collection<Stored>(physical(collection, generation));
    };
    const writer: ReadStoreWriter = {
      get: <D extends { id: string }>(c: string, id: string) => getIn<D>(own(c), id, session),
      find: <D extends { id: string }>(c: string, options: FindOptions = {}) => findIn<D>(own(c), options, session),
      count: (c: string, where: Where = {}) => own(c).countDocuments(toFilter(where), { session }),
      put: async <D extends { id: string }>(c: string, document: D) => {
        const stored = toStored(document);
        await own(c).replaceOne({ _id: stored._id }, stored, { upsert: true, session });
      },
      update: async (c: string, id: string, changes: Record<string, unknown>) => {
        const set: Record<string, unknown> = {};
        const unset: Record<string, ''> = {};
        for (const [key, value] of Object.entries(changes)) {
          if (key === 'id') continue;
          if (value === undefined) unset[checkField(key)] = '';
          else set[checkField(key)] = value;
        }
        const update = { ...(Object.keys(set).length && { $set: set }), ...(Object.keys(unset).length && { $unset: unset }) };
        if (Object.keys(update).length === 0) return (await own(c).countDocuments({ _id: id }, { session })) > 0;
        return (await own(c).updateOne({ _id: id }, update, { session })).matchedCount > 0;
      },
      delete: async (c: string, id: string) => (await own(c).deleteOne({ _id: id }, { session })).deletedCount > 0,
      deleteWhere: async (c: string, where: Where) => (await own(c).deleteMany(toFilter(where), { session })).deletedCount,
    };
    const id = generationId(consumer, generation);
    return {
      ...writer,
      checkpoint: async () => {
        const found = await this.generationDocs.findOne({ _id: id }, { session });
        return found?.checkpoint == null ? undefined : BigInt(found.checkpoint);
      },
      setCheckpoint: async (position: bigint) => {
        const result = await this.generationDocs.updateOne({ _id: id }, { $set: { checkpoint: position.toString() } }, { session });
        if (result.matchedCount !== 1) throw new Error(`Read-store consumer ${consumer} has no generation ${generation}`);
      },
      activate: async () => {
        await this.consumers.updateOne({ _id: consumer }, { $set: { active: generation } }, { session });
      },
    };
  }

  // ── checkpoints and generations ─────────────────────────────────────────────────────────────

  async checkpoint(consumer: string, generation?: number): Promise<bigint | undefined> {
    const found = await this.generationDocs.findOne({ _id: generationId(consumer, generation ?? (await this.active(consumer))) });
    return found?.checkpoint == null ? undefined : BigInt(found.checkpoint);
  }

  activeGeneration(consumer: string): Promise<number> {
    return this.active(consumer);
  }

  async createGeneration(consumer: string): Promise<number> {
    const all = await this.generationDocs.find({ consumer }).toArray();
    const active = await this.active(consumer);
    const source = all.find((g) => g.generation === active);
    if (!source) throw new Error(`Read-store consumer ${consumer} is not registered`);
    for (const left of all.filter((g) => g !== source)) await this.dropGeneration(consumer, left.generation);
    const generation = Math.max(...all.map((g) => g.generation)) + 1;
    // The _id is unique: two rebuilds racing for the same generation cannot both create it.
    await this.generationDocs.insertOne({
      _id: generationId(consumer, generation),
      consumer,
      generation,
      collections: source.collections,
      checkpoint: null,
    });
    await this.createCollections(source.collections, generation);
    return generation;
  }

  async activate(consumer: string, generation: number): Promise<void> {
    if (!(await this.generationDocs.findOne({ _id: generationId(consumer, generation) })))
      throw new Error(`Read-store consumer ${consumer} has no generation ${generation}`);
    await this.consumers.updateOne({ _id: consumer }, { $set: { active: generation } });
  }

  async dropGeneration(consumer: string, generation: number): Promise<void> {
    if ((await this.active(consumer)) === generation)
      throw new Error(`Generation ${generation} of ${consumer} is active; activate another one first`);
    const found = await this.generationDocs.findOne({ _id: generationId(consumer, generation) });
    if (!found) return;
    for (const c of found.collections)
      await this.db
        .collection(physical(c.name, generation))
        .drop()
        .catch(() => undefined);
    await this.generationDocs.deleteOne({ _id: found._id });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

async function getIn<T>(collection: Collection<Stored>, id: string, session?: ClientSession): Promise<T | undefined> {
  return fromStored<T>(await collection.findOne({ _id: id }, { session }));
}

async function findIn<T extends { id: string }>(
  collection: Collection<Stored>,
  options: FindOptions,
  session?: ClientSession,
): Promise<FoundPage<T>> {
  const limit = pageLimit(options.limit);
  const keys = sortKeys(options.orderBy);
  const filters: Filter<Stored>[] = [toFilter(options.where ?? {})];
  if (options.after !== undefined) {
    const values = decodeCursor(options.after, keys.length);
    filters.push({
      $or: keys.map((key, i) => ({
        ...Object.fromEntries(keys.slice(0, i).map((k, j) => [path(k.field), values[j]])),
        [path(key.field)]: { [key.direction === 'desc' ? '$lt' : '$gt']: values[i] },
      })),
    });
  }
  const sort: Sort = Object.fromEntries(keys.map((k) => [path(k.field), k.direction === 'desc' ? -1 : 1]));
  const rows = await collection
    .find({ $and: filters } as Filter<Stored>, { session })
    .sort(sort)
    .skip(pageOffset(options.offset))
    .limit(limit + 1)
    .toArray();
  const items = rows.slice(0, limit).map((r) => fromStored<T>(r) as T);
  return rows.length > limit ? { items, next: cursorAfter(items[items.length - 1], options) } : { items };
}

function toFilter(where: Where): Filter<Stored> {
  const filter: Record<string, unknown> = {};
  const and: Array<Record<string, unknown>> = [];
  for (const [field, condition] of Object.entries(where)) {
    const p = path(field);
    const ops: Exclude<Condition, Scalar> = isOperator(condition) ? condition : { eq: condition };
    const clause: Record<string, unknown> = {};
    if (ops.eq !== undefined) clause.$eq = ops.eq;
    if (ops.ne !== undefined) clause.$ne = ops.ne;
    if (ops.in !== undefined) clause.$in = ops.in;
    if (ops.gt !== undefined) clause.$gt = ops.gt;
    if (ops.gte !== undefined) clause.$gte = ops.gte;
    if (ops.lt !== undefined) clause.$lt = ops.lt;
    if (ops.lte !== undefined) clause.$lte = ops.lte;
    // An array containing the value: equality on an array field matches its elements.
    if (ops.contains !== undefined) and.push({ [p]: ops.contains });
    if (ops.exists === true) and.push({ [p]: { $ne: null } });
    if (ops.exists === false) and.push({ [p]: null });
    if (Object.keys(clause).length) filter[p] = clause;
  }
  return and.length ? { ...filter, $and: and } : filter;
}
