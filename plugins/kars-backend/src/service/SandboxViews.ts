import { publicGatewayOf } from '../render/a2aGateway';
import { NotFoundError } from '@backstage/errors';
import {
  AgentCard,
  AuditEvent,
  buildAgentCard,
  KARS_ANNOTATIONS,
  ListSandboxesQuery,
  listSandboxesQuerySchema,
  ManifestsResponse,
  Page,
  Sandbox,
  SandboxHealth,
  SandboxListItem,
} from '@kars-portal/plugin-kars-common';
import { AuditStore } from '../database/AuditStore';
import { FleetIndex } from './FleetIndex';
import { budgetWindows, buildHealth, observeHealth } from './health';
import { BudgetFractions, withIncludes } from './listing';
import { manifestsFor } from './manifests';
import { ObservedChannels } from './ObservedChannels';
import { readSandboxSpec, toSandbox } from './sandboxObject';
import { SandboxListIndex } from './SandboxListIndex';
import { parseOrThrow } from './validation';

/**
 * What the API shows of sandboxes, reading from the watch caches (and, for health, the cluster and
 * its Prometheus; for the list's channel trouble, the last channel check): the fleet list, and the
 * health, manifests, agent card and audit events of one.
 */
export class SandboxViews {
  /** The fleet list, kept from the watch caches. */
  readonly listing: SandboxListIndex;

  constructor(
    private readonly fleet: FleetIndex,
    private readonly audit: AuditStore,
    private readonly channels = new ObservedChannels(),
  ) {
    this.listing = new SandboxListIndex(fleet.clusters, {
      fractions: s => this.fractions(s),
      failing: s => this.channels.failing(s),
      versions: c => [c.usage.peek(), this.channels.version(c.name)],
    });
  }

  /**
   * The version of the fleet list: it changes whenever a row may have; its random part tells this
   * process's listing from another replica's (or an earlier run's).
   */
  listingVersion(): string {
    for (const cluster of this.fleet.clusters) void cluster.usage.snapshot();
    return `${this.listing.instance}.${this.listing.generation}`;
  }

  /**
   * `GET /sandboxes`: one page of the sandboxes whose canonical owner `visibleOwner` lets through
   * (every sandbox without it).
   */
  list(
    query: ListSandboxesQuery,
    visibleOwner?: (owner: string | undefined) => boolean,
  ): Page<SandboxListItem> {
    const parsed = parseOrThrow(listSandboxesQuerySchema, query, 'query');
    for (const cluster of this.fleet.clusters) void cluster.usage.snapshot();
    const page = this.listing.page(parsed, visibleOwner);
    const sandboxes = new Map(page.items.map(i => [i.summary, i.sandbox]));
    return withIncludes(
      { ...page, items: page.items.map(i => i.summary) },
      parsed.include,
      summary => sandboxes.get(summary)!,
      s => this.cardOf(s),
    );
  }

  /** Health of a sandbox: enforcement layers, budget use, channels, workload, identity. */
  async health(name: string): Promise<SandboxHealth> {
    const { cluster, object } = this.fleet.mustLocate(name);
    const sandbox = toSandbox(object, cluster.name);
    const [observation, usage] = await Promise.all([
      observeHealth(
        cluster.gateway,
        sandbox,
        cluster.config.settings.operatorNamespace,
      ),
      cluster.usage.snapshot(),
    ]);
    return buildHealth(
      sandbox,
      observation,
      usage,
      cluster.simulated,
      cluster.config.settings,
    );
  }

  /** The objects the reconciler makes for a sandbox, as rendered from its spec now. */
  manifests(name: string): ManifestsResponse {
    const { cluster, object } = this.fleet.mustLocate(name);
    return manifestsFor(
      name,
      readSandboxSpec(object.spec),
      cluster,
      String(object.metadata.uid),
      object.metadata.annotations?.[KARS_ANNOTATIONS.restartedAt],
    );
  }

  /** The A2A card of a sandbox; a 404 with A2A turned off. */
  agentCard(name: string): AgentCard {
    const card = this.cardOf(this.fleet.getSandbox(name));
    if (!card) throw new NotFoundError(`sandbox ${name} has A2A turned off`);
    return card;
  }

  /** The audit trail of a sandbox, newest first. */
  async events(name: string): Promise<{ items: AuditEvent[] }> {
    return { items: await this.audit.list(name) };
  }

  /** Budget use of a sandbox as fractions, from the last usage snapshot of its cluster. */
  private fractions(sandbox: Sandbox): BudgetFractions {
    const usage = this.fleet.cluster(sandbox.cluster)?.usage.peek();
    const windows = usage ? budgetWindows(sandbox, usage) : [];
    const fraction = (w: string) =>
      windows.find(x => x.window === w)?.fraction ?? null;
    return {
      dailyFraction: fraction('daily'),
      monthlyFraction: fraction('monthly'),
    };
  }

  /** The A2A card of a sandbox, with its cluster's settings; undefined with A2A off. */
  private cardOf(sandbox: Sandbox): AgentCard | undefined {
    const { settings } = this.fleet.cluster(sandbox.cluster)!.config;
    return buildAgentCard(sandbox.name, sandbox.spec, {
      provider: settings.agentCardProvider,
      clusterDomain: settings.clusterDomain,
      publicGateway: publicGatewayOf(sandbox.name, sandbox.spec, settings),
    });
  }
}
