import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import crypto from 'node:crypto';
import { ensureCrds } from './fixtures';
import { RawClient } from './raw';
import { BehaviourResult, writePart } from './report';
import { contractTargets, OpenTarget, TargetSpec } from './targets';

/** What a behaviour gets: clients for one target, and a namespace of its own. */
export class TargetContext {
  private opened?: OpenTarget;
  private kubeconfig?: KubeConfig;
  private namespaces: string[] = [];
  private clusterObjects: { path: string }[] = [];

  constructor(readonly target: TargetSpec, private readonly prefix: string) {}

  get kc(): KubeConfig {
    if (!this.kubeconfig)
      throw new Error('target is not open (beforeAll failed?)');
    return this.kubeconfig;
  }
  get raw() {
    return new RawClient(this.kc);
  }
  get objects() {
    return KubernetesObjectApi.makeApiClient(this.kc);
  }
  get core() {
    return this.kc.makeApiClient(CoreV1Api);
  }
  get apps() {
    return this.kc.makeApiClient(AppsV1Api);
  }
  get custom() {
    return this.kc.makeApiClient(CustomObjectsApi);
  }
  get networking() {
    return this.kc.makeApiClient(NetworkingV1Api);
  }
  get rbac() {
    return this.kc.makeApiClient(RbacAuthorizationV1Api);
  }
  get coordination() {
    return this.kc.makeApiClient(CoordinationV1Api);
  }

  /** This group's namespace on this target (created in beforeAll). */
  ns = '';

  async open(options: { crds?: boolean }) {
    this.opened = await this.target.open();
    const kc = new KubeConfig();
    kc.loadFromString(this.opened.kubeconfigYaml);
    this.kubeconfig = kc;
    this.ns = await this.newNamespace();
    if (options.crds) await ensureCrds(this.raw);
  }

  /** A fresh namespace, deleted (without waiting) after the group. */
  async newNamespace(labels?: Record<string, string>): Promise<string> {
    const name = uniqueName(this.prefix);
    const res = await this.raw.request('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
    });
    if (res.status !== 201) {
      throw new Error(
        `creating namespace ${name}: HTTP ${res.status} ${res.text}`,
      );
    }
    this.namespaces.push(name);
    return name;
  }

  /** Remember a cluster-scoped object to delete after the group. */
  cleanup(path: string) {
    this.clusterObjects.push({ path });
  }

  async close() {
    if (this.kubeconfig) {
      const raw = this.raw;
      for (const { path } of this.clusterObjects) {
        await raw.request('DELETE', path).catch(() => undefined);
      }
      for (const ns of this.namespaces) {
        await raw
          .request('DELETE', `/api/v1/namespaces/${ns}`)
          .catch(() => undefined);
      }
    }
    await this.opened?.stop();
  }

  /** A token for a ServiceAccount, through TokenRequest as the admin (creates the ServiceAccount). */
  async tokenForServiceAccount(
    namespace: string,
    name: string,
  ): Promise<string> {
    const sa = await this.raw.request(
      'POST',
      `/api/v1/namespaces/${namespace}/serviceaccounts`,
      {
        body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
      },
    );
    if (sa.status !== 201 && sa.status !== 409) {
      throw new Error(
        `ServiceAccount ${namespace}/${name}: HTTP ${sa.status} ${sa.text}`,
      );
    }
    const res = await this.raw.request(
      'POST',
      `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
      {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds: 3600 },
        },
      },
    );
    if (res.status !== 201) {
      throw new Error(
        `TokenRequest ${namespace}/${name}: HTTP ${res.status} ${res.text}`,
      );
    }
    return res.json.status.token;
  }

  /** The same cluster, authenticating with a bearer token. */
  kubeconfigFor(token: string): KubeConfig {
    const cluster = this.kc.getCurrentCluster()!;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'token-user', token }],
      contexts: [{ name: 'ctx', cluster: cluster.name, user: 'token-user' }],
      currentContext: 'ctx',
    });
    return kc;
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(3).toString('hex')}`.slice(0, 63);
}

/**
 * A behaviour's time limit where it names none: this package's `testTimeout`, which jest does not
 * apply to a project when the repository's tests run together (it is a global setting there), so
 * that a behaviour that installs or waits on a busy real server is not cut at jest's 5 s.
 */
const BEHAVIOUR_TIMEOUT_MS = 60_000;

export interface BehaviourOptions {
  /** Only a real API server can do this (CEL, admission policies, RBAC): why. */
  realServerOnly?: string;
  timeout?: number;
}

interface GroupState {
  spec: TargetSpec;
  ctx: TargetContext;
  results: Map<string, BehaviourResult>;
  reported?: boolean;
}

let current: GroupState | undefined;

/**
 * Declares a group of behaviours once; it runs on every target of the run
 * (`describe.each`), each target with its own namespace.
 */
export function describeContract(
  title: string,
  body: (t: TargetContext) => void,
  options: {
    crds?: boolean;
    suite?: string;
    prefix?: string;
    targets?: TargetSpec[];
  } = {},
) {
  const suite = options.suite ?? 'contract';
  const targets = options.targets ?? contractTargets();
  const prefix =
    options.prefix ??
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 20)
      .replace(/-$/, '');
  if (!targets.length) {
    describe(title, () => {
      it.skip('runs on no target selected in this run', () => {});
    });
    return;
  }
  describe.each(targets.map(t => [t.name, t] as const))(
    `${title} [%s]`,
    (_name, spec) => {
      const ctx = new TargetContext(spec, `kc-${prefix}`);
      const state: GroupState = { spec, ctx, results: new Map() };

      if (!spec.skipReason) {
        beforeAll(async () => {
          await ctx.open({ crds: options.crds });
        }, 120_000);
      }

      afterAll(async () => {
        if (state.reported) return;
        try {
          await ctx.close();
        } finally {
          writePart({
            suite,
            target: spec.name,
            group: title,
            behaviours: [...state.results.values()].map(r =>
              // declared, not skipped, and never finished: beforeAll failed or it timed out
              r.outcome === 'skipped' || r.reason !== 'pending'
                ? r
                : { ...r, outcome: 'failed', reason: undefined },
            ),
          });
        }
      }, 60_000);

      const previous = current;
      current = state;
      try {
        body(ctx);
      } finally {
        current = previous;
      }
      const results = [...state.results.values()];
      if (results.every(r => r.outcome === 'skipped')) {
        // Jest runs no hooks in a block whose tests are all skipped: report now.
        state.reported = true;
        writePart({
          suite,
          target: spec.name,
          group: title,
          behaviours: results,
        });
      }
    },
  );
}

/** One behaviour of the contract; must be called inside {@link describeContract}. */
export function behaviour(
  name: string,
  fn: (t: TargetContext) => Promise<void>,
  options: BehaviourOptions = {},
) {
  const state = current;
  if (!state)
    throw new Error(`behaviour "${name}" is outside describeContract`);
  if (state.results.has(name))
    throw new Error(`behaviour "${name}" is declared twice`);
  const skipReason =
    state.spec.skipReason ??
    (options.realServerOnly && !state.spec.real
      ? `real-server only: ${options.realServerOnly}`
      : undefined);
  if (skipReason) {
    state.results.set(name, { name, outcome: 'skipped', reason: skipReason });
    it.skip(`${name} (skipped: ${skipReason})`, () => {});
    return;
  }
  state.results.set(name, { name, outcome: 'failed', reason: 'pending' });
  it(
    name,
    async () => {
      try {
        await fn(state.ctx);
        state.results.set(name, { name, outcome: 'passed' });
      } catch (e) {
        state.results.set(name, { name, outcome: 'failed' });
        throw e;
      }
    },
    options.timeout ?? BEHAVIOUR_TIMEOUT_MS,
  );
}
