import { randomUUID } from 'crypto';
import {
  CreateSandboxRequest,
  SandboxSpec,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { mergePatch } from './campaign';
import { Figure, recordFigure } from './figures';
import { HttpReply, Portal } from './http';
import { Cluster } from './kube';
import {
  PlantedSecrets,
  plantedSecrets,
  SecretLedger,
  secretList,
} from './secrets';
import { diffSnapshots, Snapshot, Write } from './snapshot';
import {
  campaignTargets,
  matrixTargets,
  SUITE_PREFIX,
  SuiteTenant,
  suiteTenants,
} from './tenants';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * The run's id: shared by every Playwright worker of one run (the config sets it in the runner, whose
 * environment the workers inherit), so a worker that replaces a failed one plants the same values.
 */
export function runId(): string {
  process.env.KARS_ACCEPTANCE_RUN ??= randomUUID();
  return process.env.KARS_ACCEPTANCE_RUN;
}

/** The credentials request template that rotates keys through the scaffolder. */
export const CREDENTIALS_TEMPLATE = 'template:default/kars-sandbox-credentials';

/** A tenant the suite made, with the spec and credentials it must have now. */
export interface MadeTenant {
  name: string;
  spec: SandboxSpec;
  credentials: Record<string, string>;
}

/**
 * A NetworkPolicy the backend did not make, in a suite tenant's namespace: policies add up, so it
 * widens the tenant's ingress, and health must report it (docs/DESIGN.md, Network).
 */
export const FOREIGN_NETWORK_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: acceptance-allow-all-ingress
  namespace: kars-acc-conf
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - {}
`;

/** The portal, its cluster, the run's planted secrets, and what the suite made. */
export class Suite {
  readonly secrets: PlantedSecrets;
  readonly ledger: SecretLedger;
  readonly portal: Portal;
  readonly cluster = new Cluster();
  readonly marker: string;

  constructor() {
    const id = runId();
    this.marker = `acceptance run ${id}`;
    this.secrets = plantedSecrets(id);
    this.ledger = new SecretLedger(secretList(this.secrets));
    this.portal = new Portal((request, reply) =>
      this.ledger.scan(
        `${request.method} ${request.path.slice(0, 120)} → ${reply.status}`,
        reply.text,
      ),
    );
  }

  private recorded = { places: 0, found: 0 };

  /** What the ledger scanned since the last figure was recorded. */
  unrecordedScan() {
    return {
      places: this.ledger.places - this.recorded.places,
      found: this.ledger.found.slice(this.recorded.found),
    };
  }

  /** Records a phase's figure, with what the ledger scanned during the phase. */
  record(key: string, line: string) {
    const figure: Figure = { line, scan: this.unrecordedScan() };
    this.recorded = {
      places: this.ledger.places,
      found: this.ledger.found.length,
    };
    recordFigure(key, figure);
    // The figure is for people reading the run's output too.
    // eslint-disable-next-line no-console
    console.log(line);
  }

  /** The suite's tenants, each create request carrying the run's marker. */
  tenants(): SuiteTenant[] {
    return suiteTenants(this.secrets).map(t => ({
      ...t,
      request: this.marked(t.request),
    }));
  }

  marked(request: CreateSandboxRequest): CreateSandboxRequest {
    return {
      ...request,
      spec: {
        ...request.spec,
        a2a: { ...request.spec?.a2a, description: this.marker },
      },
    };
  }

  /** What each suite tenant must be after setup: the spec with its change, the credentials last set. */
  madeTenants(): MadeTenant[] {
    const made = this.tenants().map(t => ({
      name: t.request.name,
      spec: sandboxSpecSchema.parse(
        t.patch
          ? mergePatch(
              sandboxSpecSchema.parse(t.request.spec ?? {}),
              t.patch as Record<string, unknown>,
            )
          : t.request.spec ?? {},
      ),
      credentials: {
        ...(t.request.credentials as Record<string, string> | undefined),
        ...t.rotate,
      },
    }));
    const rotated = made.find(t => t.name === 'acc-std-gov');
    if (rotated) {
      rotated.credentials.PERPLEXITY_API_KEY = this.secrets.perplexityInTask;
    }
    return made;
  }

  /** Reads one sandbox as guest; undefined when it does not exist. */
  async sandbox(name: string): Promise<any> {
    const reply = await this.portal.json('GET', `/api/kars/sandboxes/${name}`, {
      kind: 'guest',
    });
    return reply.status === 200 ? reply.json : undefined;
  }

  private async must(what: string, reply: Promise<HttpReply>, ok: number[]) {
    const r = await reply;
    if (!ok.includes(r.status)) {
      throw new Error(
        `${what}: HTTP ${r.status} ${r.text
          .slice(0, 500)
          .replace(this.secretsPattern(), '«planted»')}`,
      );
    }
    return r;
  }

  private secretsPattern() {
    return new RegExp(
      secretList(this.secrets)
        .map(s => s.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
  }

  /** Creates a sandbox as the guest, or as the service when it belongs to another team. */
  async ensureSandbox(request: CreateSandboxRequest) {
    if (await this.sandbox(request.name)) return;
    const asService = request.spec?.owner === 'group:default/team-b';
    await this.must(
      `create ${request.name}`,
      this.portal.json(
        'POST',
        '/api/kars/sandboxes',
        { kind: asService ? 'service' : 'guest' },
        request,
      ),
      [200, 201],
    );
  }

  /**
   * Makes (or finds, when an earlier worker of this run made them) every sandbox the suite needs,
   * applies its changes, rotates credentials by PUT and through the scaffolder, plants a foreign
   * NetworkPolicy, and waits until the cluster is quiet. Sandboxes of earlier runs go first.
   */
  async ensureSetup() {
    await this.removeLeftovers();
    const tenants = this.tenants();
    await Promise.all(
      [
        ...tenants.map(t => t.request),
        ...matrixTargets().map(t => this.marked(t)),
        ...campaignTargets().map(t => this.marked(t)),
      ].map(r => this.ensureSandbox(r)),
    );
    for (const t of tenants) {
      if (t.patch) {
        await this.must(
          `change ${t.request.name}`,
          this.portal.json(
            'PATCH',
            `/api/kars/sandboxes/${t.request.name}`,
            { kind: 'guest' },
            t.patch,
          ),
          [200],
        );
      }
      if (t.rotate) {
        await this.must(
          `rotate ${t.request.name}`,
          this.portal.json(
            'PUT',
            `/api/kars/sandboxes/${t.request.name}/credentials`,
            { kind: 'guest' },
            { credentials: t.rotate, restart: true },
          ),
          [200],
        );
      }
    }
    await this.rotateThroughScaffolder('acc-std-gov');
    this.cluster.kubectlApply(FOREIGN_NETWORK_POLICY);
    await this.waitReconciled([
      ...tenants.map(t => t.request.name),
      ...matrixTargets().map(t => t.name),
      ...campaignTargets().map(t => t.name),
    ]);
    await this.settle();
  }

  /** Runs the credentials template with a secret field, as a user in the browser would. */
  private async rotateThroughScaffolder(name: string) {
    const current = await this.sandbox(name);
    if (current?.credentialKeys?.includes('PERPLEXITY_API_KEY')) return;
    const task = await this.must(
      'start the credentials template',
      this.portal.json(
        'POST',
        '/api/scaffolder/v2/tasks',
        { kind: 'guest' },
        {
          templateRef: CREDENTIALS_TEMPLATE,
          values: { sandbox: `resource:default/${name}`, restart: false },
          secrets: { PERPLEXITY_API_KEY: this.secrets.perplexityInTask },
        },
      ),
      [200, 201],
    );
    const id = task.json.id;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = await this.portal.json(
        'GET',
        `/api/scaffolder/v2/tasks/${id}`,
        { kind: 'guest' },
      );
      if (['completed', 'failed', 'cancelled'].includes(r.json?.status)) {
        if (r.json.status !== 'completed') {
          throw new Error(`the credentials task ${id} ended ${r.json.status}`);
        }
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`the credentials task ${id} did not finish`);
      }
      await sleep(500);
    }
  }

  /** Waits until every named sandbox has been reconciled at its current generation. */
  async waitReconciled(names: string[], timeoutMs = 180_000) {
    const deadline = Date.now() + timeoutMs;
    for (const name of names) {
      for (;;) {
        const s = await this.sandbox(name);
        const phase = s?.status?.phase;
        // A suspended sandbox has no workload to wait for: it stays Pending, with Suspended true.
        const settled =
          s?.spec?.suspended === true
            ? (s.status?.conditions ?? []).some(
                (c: any) => c.type === 'Suspended' && c.status === 'True',
              )
            : phase && !['Pending', 'Creating'].includes(phase);
        if (s && s.status?.observedGeneration === s.generation && settled) {
          break;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `${name} not reconciled: phase ${phase}, generation ${s?.generation}, observed ${s?.status?.observedGeneration}`,
          );
        }
        await sleep(500);
      }
    }
  }

  /** A snapshot taken once two in a row, 400 ms apart, show no write. */
  async settle(timeoutMs = 60_000): Promise<Snapshot> {
    const deadline = Date.now() + timeoutMs;
    let previous = await this.cluster.snapshot();
    for (;;) {
      await sleep(400);
      const next = await this.cluster.snapshot();
      if (!diffSnapshots(previous, next).length || Date.now() > deadline) {
        return next;
      }
      previous = next;
    }
  }

  /** The writes between a snapshot and the settled cluster now. */
  async writesSince(
    before: Snapshot,
  ): Promise<{ writes: Write[]; after: Snapshot }> {
    const after = await this.settle();
    return { writes: diffSnapshots(before, after), after };
  }

  /** Every sandbox of the suite's prefix, with its owner and run marker. */
  async suiteSandboxes(): Promise<
    Array<{ name: string; owner?: string; description: string }>
  > {
    const objects = await this.cluster.listKind('KarsSandbox', 'kars-system');
    return objects
      .filter(o => o.metadata.name.startsWith(SUITE_PREFIX))
      .map(o => ({
        name: o.metadata.name,
        owner: o.spec?.owner,
        description: String(o.spec?.a2a?.description ?? ''),
      }));
  }

  /** Deletes sandboxes of the suite not made by this run (or every one of them), and waits until they are gone. */
  async removeLeftovers(all = false) {
    const leftovers = (await this.suiteSandboxes()).filter(
      s => all || s.description !== this.marker,
    );
    await this.deleteSandboxes(leftovers.map(s => s.name));
  }

  /**
   * Deletes sandboxes: through the API as guest where the guest may, else with kubectl (the
   * backend's finalizer takes the namespace either way). Waits until they are gone.
   */
  async deleteSandboxes(names: string[]) {
    for (const name of names) {
      const r = await this.portal.json(
        'DELETE',
        `/api/kars/sandboxes/${name}`,
        { kind: 'guest' },
      );
      if (![202, 404].includes(r.status)) {
        this.cluster.kubectl([
          'delete',
          'karssandbox',
          '-n',
          'kars-system',
          name,
          '--wait=false',
          '--ignore-not-found',
        ]);
      }
    }
    const deadline = Date.now() + 120_000;
    for (;;) {
      const left = (await this.suiteSandboxes()).filter(s =>
        names.includes(s.name),
      );
      const namespaces = (await this.cluster.listKind('Namespace')).filter(n =>
        names.includes(n.metadata.name.replace(/^kars-/, '')),
      );
      if (!left.length && !namespaces.length) return;
      if (Date.now() > deadline) {
        throw new Error(
          `still there after delete: ${[
            ...left.map(s => s.name),
            ...namespaces.map(n => n.metadata.name),
          ].join(', ')}`,
        );
      }
      await sleep(500);
    }
  }
}
