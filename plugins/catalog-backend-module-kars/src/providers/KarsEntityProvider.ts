import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { stringifyError } from '@backstage/errors';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import {
  agentCardSchema,
  KARS_PLUGIN_ID,
  KARS_SANDBOX_EVENTS_TOPIC,
  KarsApi,
  KarsClient,
  KarsSandboxEventPayload,
  eachAtMost,
  ListSandboxesQuery,
  sandboxEntityRefs,
  SandboxListItem,
} from '@kars-portal/plugin-kars-common';
import { readKarsProviderConfig } from './config';
import {
  karsSystemEntity,
  SandboxEntityOptions,
  sandboxToEntities,
} from './sandboxToEntities';

/** Page size of the full read: one `GET /sandboxes` per page. */
export const PAGE_SIZE = 100;

/** How many sandboxes of a batch of changes are read at once (one `GET /sandboxes?name=` each). */
const READ_CONCURRENCY = 8;

/** What each item of the list carries for the entities: the spec and the card the backend built. */
const INCLUDE: ListSandboxesQuery['include'] = 'spec,agentCard';

function isSandboxEvent(payload: unknown): payload is KarsSandboxEventPayload {
  const p = payload as Partial<KarsSandboxEventPayload> | undefined;
  return (
    typeof p?.name === 'string' &&
    p.name.length > 0 &&
    (p.change === 'upserted' || p.change === 'deleted')
  );
}

/** What the provider needs, beside its settings. @public */
export interface KarsEntityProviderDeps {
  logger: LoggerService;
  /** The kars REST API, called with the catalog's own service credentials. */
  client: KarsApi;
  /** A token for the kars backend, on behalf of the catalog plugin itself. */
  token: () => Promise<string>;
  taskRunner: SchedulerServiceTaskRunner;
  events?: EventsService;
  entities: SandboxEntityOptions;
}

/**
 * Every sandbox the kars backend serves, as catalog entities: a full mutation on a schedule, and
 * deltas when the backend announces a change on the `kars.sandbox` events topic. Both read
 * `GET /sandboxes` with each sandbox's spec and agent card in its item (one call per page, none
 * per sandbox). A full mutation is applied only after every page was read; on any error nothing is
 * applied, so an outage of the backend never empties the catalog.
 *
 * @public
 */
export class KarsEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  /** The changes not applied yet, the latest of each sandbox. */
  private readonly pending = new Map<
    string,
    KarsSandboxEventPayload['change']
  >();
  private applying?: Promise<void>;

  /** The provider with its settings from config, reading through the kars REST API. */
  static fromConfig(
    config: Config,
    deps: {
      logger: LoggerService;
      auth: AuthService;
      discovery: DiscoveryService;
      scheduler: SchedulerService;
      events?: EventsService;
    },
  ): KarsEntityProvider {
    const { schedule, entities } = readKarsProviderConfig(config);
    return new KarsEntityProvider({
      logger: deps.logger,
      client: new KarsClient({ discoveryApi: deps.discovery }),
      token: async () =>
        (
          await deps.auth.getPluginRequestToken({
            onBehalfOf: await deps.auth.getOwnServiceCredentials(),
            targetPluginId: KARS_PLUGIN_ID,
          })
        ).token,
      taskRunner: deps.scheduler.createScheduledTaskRunner(schedule),
      events: deps.events,
      entities,
    });
  }

  constructor(private readonly deps: KarsEntityProviderDeps) {}

  getProviderName() {
    return 'kars';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    const id = `${this.getProviderName()}:refresh`;
    await this.deps.taskRunner.run({
      id,
      fn: async () => {
        await this.refresh(this.deps.logger.child({ taskId: id }));
      },
    });
    await this.deps.events?.subscribe({
      id: 'kars-entity-provider',
      topics: [KARS_SANDBOX_EVENTS_TOPIC],
      onEvent: params => this.onEvent(params),
    });
  }

  /**
   * Reads every sandbox and replaces the provider's entities. Returns whether a mutation was
   * applied; on any error it logs and applies nothing.
   */
  async refresh(logger: LoggerService = this.deps.logger): Promise<boolean> {
    const connection = this.mustConnection();
    let entities: Entity[];
    try {
      entities = await this.readAll();
    } catch (error) {
      logger.error(
        `kars entity provider: could not read the sandboxes, keeping the catalog's entities as they are: ${stringifyError(
          error,
        )}`,
      );
      return false;
    }
    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => this.deferred(entity)),
    });
    logger.info(
      `kars entity provider: ${entities.length} entities from the kars backend`,
    );
    return true;
  }

  /**
   * Handles one `kars.sandbox` event: the sandbox's entities are added, replaced or removed. The
   * changes are applied in batches, one batch at a time: those that arrive while a batch is
   * applied go together into the next one, each sandbox with its latest change only (so a slow
   * read of an older change can never re-add a sandbox after its removal). A burst of creates is
   * a few catalog writes, not one per sandbox. Resolves once the change is applied.
   */
  async onEvent(params: EventParams): Promise<void> {
    if (params.topic !== KARS_SANDBOX_EVENTS_TOPIC) return;
    const payload = params.eventPayload;
    if (!isSandboxEvent(payload)) {
      this.deps.logger.warn(
        `kars entity provider: ignoring a malformed ${KARS_SANDBOX_EVENTS_TOPIC} event`,
      );
      return;
    }
    this.pending.set(payload.name, payload.change);
    await this.applyPending();
  }

  private applyPending(): Promise<void> {
    this.applying ??= (async () => {
      try {
        while (this.pending.size) {
          const batch = new Map(this.pending);
          this.pending.clear();
          await this.applyBatch(batch);
        }
      } finally {
        this.applying = undefined;
      }
    })();
    return this.applying;
  }

  /** One delta for a batch of changes; a sandbox that cannot be read is left to the next full run. */
  private async applyBatch(
    batch: Map<string, KarsSandboxEventPayload['change']>,
  ) {
    const connection = this.mustConnection();
    const added: Entity[] = [];
    const removed: Array<{ entityRef: string; locationKey: string }> = [];
    const removeAll = (name: string) => {
      const refs = sandboxEntityRefs(name);
      return [refs.resource, refs.component, refs.api].map(ref => ({
        entityRef: ref,
        locationKey: this.getProviderName(),
      }));
    };
    const upserted = [...batch].filter(([, c]) => c === 'upserted');
    for (const [name, change] of batch)
      if (change === 'deleted') removed.push(...removeAll(name));
    let token: string | undefined;
    try {
      token = upserted.length ? await this.deps.token() : undefined;
    } catch (error) {
      this.warnNotApplied(
        upserted.map(([name]) => name),
        error,
      );
      upserted.length = 0;
    }
    await eachAtMost(READ_CONCURRENCY, upserted, async ([name]) => {
      try {
        const page = await this.deps.client.listSandboxes(
          { name, include: INCLUDE, limit: 1 },
          { token },
        );
        const item = page.items.find(i => i.name === name);
        const entities = item ? this.entitiesOf(item) : [];
        const emitted = new Set(entities.map(e => stringifyEntityRef(e)));
        added.push(...entities);
        // Gone, or A2A turned off: the card goes.
        removed.push(...removeAll(name).filter(r => !emitted.has(r.entityRef)));
      } catch (error) {
        this.warnNotApplied([name], error);
      }
    });
    if (!added.length && !removed.length) return;
    try {
      await connection.applyMutation({
        type: 'delta',
        added: (added.length
          ? [karsSystemEntity(this.deps.entities), ...added]
          : []
        ).map(e => this.deferred(e)),
        removed,
      });
    } catch (error) {
      this.warnNotApplied([...batch.keys()], error);
    }
  }

  private warnNotApplied(names: string[], error: unknown) {
    const shown =
      names.length > 5
        ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`
        : names.join(', ');
    this.deps.logger.warn(
      `kars entity provider: could not apply the change of sandbox${
        names.length > 1 ? 's' : ''
      } ${shown}; the next full run will: ${stringifyError(error)}`,
    );
  }

  /** Every page, one call each; any failure rejects the whole read. */
  private async readAll(): Promise<Entity[]> {
    const token = await this.deps.token();
    // By name: a sandbox that moved to the next page between two reads is emitted once.
    const items = new Map<string, SandboxListItem>();
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.deps.client.listSandboxes(
        {
          limit: PAGE_SIZE,
          sort: 'name',
          include: INCLUDE,
          ...(cursor ? { cursor } : {}),
        },
        { token },
      );
      for (const item of page.items) items.set(item.name, item);
      cursor = page.nextCursor;
      if (cursor !== undefined) {
        if (seenCursors.has(cursor)) {
          throw new Error(`the sandbox list repeats cursor ${cursor}`);
        }
        seenCursors.add(cursor);
      }
    } while (cursor !== undefined);
    return [
      karsSystemEntity(this.deps.entities),
      ...[...items.values()].flatMap(item => this.entitiesOf(item)),
    ];
  }

  /** The entities of one list item; its card is checked against the A2A card schema. */
  private entitiesOf(item: SandboxListItem): Entity[] {
    if (!item.spec || item.agentCard === undefined) {
      throw new Error(
        `the kars backend listed sandbox ${item.name} without its spec and agent card`,
      );
    }
    return sandboxToEntities(
      {
        name: item.name,
        cluster: item.cluster,
        spec: item.spec,
        agentCard: item.agentCard
          ? agentCardSchema.parse(item.agentCard)
          : undefined,
      },
      this.deps.entities,
    );
  }

  private deferred(entity: Entity) {
    return { entity, locationKey: this.getProviderName() };
  }

  private mustConnection() {
    if (!this.connection) {
      throw new Error('the kars entity provider is not connected yet');
    }
    return this.connection;
  }
}
