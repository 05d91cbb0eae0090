import { execFileSync } from 'child_process';
import fs from 'fs';
import http from 'http';
import https from 'https';
import { parse } from 'yaml';
import { EMBEDDED_KUBECONFIG } from './config';
import { KubeObject, Snapshot, takeSnapshot } from './snapshot';

/** One listable kind of the API server. */
export interface ResourceType {
  groupVersion: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

interface Connection {
  server: string;
  token?: string;
  /** The CA of the server's certificate, when it serves TLS. */
  ca?: Buffer;
}

/** kubectl of the real server's version (built by test/kube-testenv/build.sh --with-kubectl), else the one on PATH. */
const KUBECTL = process.env.KARS_KUBECTL || 'kubectl';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The server and token of the kubeconfig's current context; only a cluster on this machine. */
function readKubeconfig(file: string): Connection {
  const config = parse(fs.readFileSync(file, 'utf8'));
  const context = config.contexts.find(
    (c: any) => c.name === config['current-context'],
  ).context;
  const cluster = config.clusters.find(
    (c: any) => c.name === context.cluster,
  ).cluster;
  const user = config.users.find((u: any) => u.name === context.user)?.user;
  const server = String(cluster.server);
  const host = new URL(server).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(`the kubeconfig names ${host}, not this machine`);
  }
  const caData = cluster['certificate-authority-data'];
  return {
    server: server.replace(/\/$/, ''),
    token: user?.token,
    ca: caData ? Buffer.from(caData, 'base64') : undefined,
  };
}

/** One GET over HTTP or HTTPS (trusting the kubeconfig's CA). */
function get(
  connection: Connection,
  path: string,
): Promise<{ status: number; text: string }> {
  const url = new URL(`${connection.server}${path}`);
  return new Promise((resolve, reject) => {
    (url.protocol === 'https:' ? https : http)
      .get(
        url,
        {
          ca: connection.ca,
          headers: {
            accept: 'application/json',
            ...(connection.token
              ? { authorization: `Bearer ${connection.token}` }
              : {}),
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      )
      .on('error', reject);
  });
}

/**
 * The dev portal's cluster, read through the kubeconfig its backend writes (the same file kubectl
 * uses). The backend writes a new kubeconfig when it restarts, so a refused connection re-reads it.
 */
export class Cluster {
  private connection?: Connection;
  private types?: Promise<ResourceType[]>;

  constructor(private readonly kubeconfig = EMBEDDED_KUBECONFIG) {}

  private async request(path: string): Promise<{ status: number; body: any }> {
    const deadline = Date.now() + 5 * 60_000;
    for (;;) {
      this.connection ??= readKubeconfig(this.kubeconfig);
      try {
        const { status, text } = await get(this.connection, path);
        return { status, body: text ? JSON.parse(text) : {} };
      } catch (error) {
        if (Date.now() > deadline) throw error;
        this.connection = undefined;
        await sleep(1000);
      }
    }
  }

  /** GET of one API path; undefined on 404. */
  async get(path: string): Promise<any> {
    const { status, body } = await this.request(path);
    if (status === 404) return undefined;
    if (status >= 300) {
      throw new Error(`GET ${path}: HTTP ${status} ${JSON.stringify(body)}`);
    }
    return body;
  }

  /** Every kind the server lists (discovery), without subresources. */
  resourceTypes(): Promise<ResourceType[]> {
    this.types ??= (async () => {
      const groupVersions: string[] = ['v1'];
      const groups = await this.get('/apis');
      for (const g of groups?.groups ?? []) {
        groupVersions.push(g.preferredVersion.groupVersion);
      }
      const types: ResourceType[] = [];
      for (const gv of groupVersions) {
        const list = await this.get(gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
        for (const r of list?.resources ?? []) {
          if (r.name.includes('/')) continue;
          if (r.verbs && !r.verbs.includes('list')) continue;
          types.push({
            groupVersion: gv,
            plural: r.name,
            kind: r.kind,
            namespaced: r.namespaced,
          });
        }
      }
      return types;
    })().catch(e => {
      this.types = undefined;
      throw e;
    });
    return this.types;
  }

  private static basePath(type: ResourceType) {
    return type.groupVersion === 'v1'
      ? `/api/v1`
      : `/apis/${type.groupVersion}`;
  }

  /** Every object of one kind (in every namespace, or in one). */
  async list(type: ResourceType, namespace?: string): Promise<KubeObject[]> {
    const base = Cluster.basePath(type);
    const path =
      namespace && type.namespaced
        ? `${base}/namespaces/${namespace}/${type.plural}`
        : `${base}/${type.plural}`;
    const body = await this.get(path);
    return (body?.items ?? []).map((o: KubeObject) => ({
      ...o,
      apiVersion: type.groupVersion,
      kind: type.kind,
    }));
  }

  /** Every object of a kind named by its kind, e.g. `NetworkPolicy`. */
  async listKind(kind: string, namespace?: string): Promise<KubeObject[]> {
    const type = (await this.resourceTypes()).find(t => t.kind === kind);
    if (!type) return [];
    return this.list(type, namespace);
  }

  /** Every object the server lists, of every kind. */
  async everything(): Promise<KubeObject[]> {
    const types = await this.resourceTypes();
    const lists = await Promise.all(types.map(t => this.list(t)));
    return lists.flat();
  }

  async snapshot(): Promise<Snapshot> {
    return takeSnapshot(await this.everything());
  }

  /** `kubectl apply` of a manifest: the suite's only write besides its requests to the portal. */
  kubectlApply(manifest: string): string {
    return execFileSync(
      KUBECTL,
      ['--kubeconfig', this.kubeconfig, 'apply', '-f', '-'],
      { encoding: 'utf8', input: manifest, stdio: ['pipe', 'pipe', 'pipe'] },
    );
  }

  /** kubectl against the same cluster, for what only kubectl shows (printer columns). */
  kubectl(args: string[]): string {
    return execFileSync(KUBECTL, ['--kubeconfig', this.kubeconfig, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
}
