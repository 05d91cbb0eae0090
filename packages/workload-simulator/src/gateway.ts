import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Collection, KubeClient, KubeError, Obj } from './kube';

/**
 * The annotation that decides how the simulated issuer answers a cert-manager Certificate:
 * `kubectl annotate certificate -n kars-a a2a-gateway workload-simulator.kars.azure.com/certificate=fail`.
 * `fail` makes it Ready=False (reason Failed); removing it lets the next pass issue it.
 */
export const CERTIFICATE_ANNOTATION =
  'workload-simulator.kars.azure.com/certificate';

/** The first address the simulated cloud gives a LoadBalancer Service (TEST-NET-2). */
const LOAD_BALANCER_RANGE = '198.51.100.';

/** The paths the router answers with the card it mounts (`A2A_CARD_DIR`), and the file of each. */
const CARD_FILES: Record<string, string> = {
  '/.well-known/agent.json': 'agent.json',
  '/.well-known/agent-card.json': 'agent-card.json',
};

const readyOf = (o: Obj) =>
  (o.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');

const path = (o: Obj, plural: string, group = '/api/v1') =>
  `${group}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`;

/** The address of the n-th LoadBalancer, from 198.51.100.10 on. Pure. */
export function loadBalancerAddressFor(index: number) {
  return `${LOAD_BALANCER_RANGE}${10 + (index % 240)}`;
}

/** The Ingress rule path that takes a request path: Exact equal, Prefix by whole segments. Pure. */
export function ingressPathMatches(rule: Obj, requestPath: string) {
  const p: string = rule.path ?? '/';
  if (rule.pathType === 'Exact') return p === requestPath;
  const prefix = p.replace(/\/$/, '');
  return (
    requestPath === prefix ||
    requestPath.startsWith(`${prefix}/`) ||
    prefix === ''
  );
}

/** The backend Service an Ingress routes a host and path to, if any. Pure. */
export function ingressBackend(
  ingresses: Obj[],
  host: string,
  requestPath: string,
): { namespace: string; service: string } | undefined {
  for (const ingress of ingresses) {
    for (const rule of ingress.spec?.rules ?? []) {
      if (rule.host !== host) continue;
      const match = (rule.http?.paths ?? []).find((p: Obj) =>
        ingressPathMatches(p, requestPath),
      );
      const service = match?.backend?.service?.name;
      if (service) return { namespace: ingress.metadata.namespace, service };
    }
  }
  return undefined;
}

/**
 * What the cloud and cert-manager would do for the public A2A gateway, and its ingress controller:
 * - each LoadBalancer Service gets an address in its status (198.51.100.x);
 * - each cert-manager Certificate is issued: Ready=True (Ready=False with reason Failed when
 *   annotated {@link CERTIFICATE_ANNOTATION}=fail); no key or certificate is made;
 * - each Ingress gets the simulated controller's address, and the controller answers on
 *   127.0.0.1 (plain HTTP, the Host header choosing the rule) what the router behind the rule's
 *   Service would answer on the card paths: the card of the ConfigMap the selected Deployment's
 *   pods mount at `A2A_CARD_DIR`; 404 when no rule, Service, pod template or card matches.
 * Certificates are watched only once their CRD is served (retried until then).
 */
export class GatewaySimulator {
  private readonly services: Collection;
  private readonly ingresses: Collection;
  private readonly certificates: Collection;
  private readonly addresses = new Map<string, string>();
  private server?: http.Server;
  private passing = false;
  private again = false;
  private certificateRetry?: NodeJS.Timeout;
  private stopped = false;
  url = '';

  constructor(private readonly client: KubeClient) {
    const changed = () => this.pass();
    this.services = new Collection(
      client,
      '/api/v1/services',
      undefined,
      changed,
    );
    this.ingresses = new Collection(
      client,
      '/apis/networking.k8s.io/v1/ingresses',
      undefined,
      changed,
    );
    this.certificates = new Collection(
      client,
      '/apis/cert-manager.io/v1/certificates',
      undefined,
      changed,
    );
  }

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.serve(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(502).end('bad gateway\n');
      });
    });
    await new Promise<void>(resolve =>
      this.server!.listen(port, '127.0.0.1', resolve),
    );
    this.url = `http://127.0.0.1:${
      (this.server.address() as AddressInfo).port
    }`;
    await Promise.all([this.services.start(), this.ingresses.start()]);
    this.startCertificates();
  }

  private startCertificates() {
    this.certificates.start().catch(() => {
      if (this.stopped) return;
      this.certificateRetry = setTimeout(() => this.startCertificates(), 2000);
    });
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.certificateRetry);
    this.services.stop();
    this.ingresses.stop();
    this.certificates.stop();
    this.server?.closeAllConnections();
    this.server?.close();
  }

  /** One pass over the gateway objects; a change during a pass runs another after it. */
  private pass() {
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = true;
    this.sync()
      .catch(() => undefined)
      .finally(() => {
        this.passing = false;
        if (this.again && !this.stopped) {
          this.again = false;
          this.pass();
        }
      });
  }

  private async sync() {
    for (const service of this.services.list()) {
      if (service.spec?.type !== 'LoadBalancer') continue;
      if (service.status?.loadBalancer?.ingress?.length) continue;
      const key = `${service.metadata.namespace}/${service.metadata.name}`;
      if (!this.addresses.has(key)) {
        this.addresses.set(key, loadBalancerAddressFor(this.addresses.size));
      }
      await this.writeStatus(path(service, 'services'), {
        loadBalancer: { ingress: [{ ip: this.addresses.get(key) }] },
      });
    }
    for (const ingress of this.ingresses.list()) {
      if (ingress.status?.loadBalancer?.ingress?.length) continue;
      await this.writeStatus(
        path(ingress, 'ingresses', '/apis/networking.k8s.io/v1'),
        { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
      );
    }
    for (const certificate of this.certificates.list()) {
      const fail =
        certificate.metadata?.annotations?.[CERTIFICATE_ANNOTATION] === 'fail';
      const ready = readyOf(certificate);
      const want = fail ? 'False' : 'True';
      if (
        ready?.status === want &&
        ready.observedGeneration === certificate.metadata.generation
      ) {
        continue;
      }
      await this.writeStatus(
        path(certificate, 'certificates', '/apis/cert-manager.io/v1'),
        {
          conditions: [
            {
              type: 'Ready',
              status: want,
              reason: fail ? 'Failed' : 'Ready',
              message: fail
                ? 'the simulated issuer refused the certificate request'
                : 'Certificate is up to date and has not expired',
              observedGeneration: certificate.metadata.generation,
              lastTransitionTime: new Date().toISOString(),
            },
          ],
          ...(fail
            ? {}
            : {
                notAfter: new Date(Date.now() + 90 * 86400_000).toISOString(),
              }),
        },
      );
    }
  }

  private async writeStatus(objectPath: string, status: Obj) {
    try {
      await this.client.mergePatch(`${objectPath}/status`, { status });
    } catch (error) {
      if (!(error instanceof KubeError && error.status === 404)) throw error;
    }
  }

  /** The simulated ingress controller: a card path of an Ingress host, answered as its router would. */
  private async serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const requestPath = new URL(req.url ?? '/', 'http://gateway').pathname;
    const backend = ingressBackend(this.ingresses.list(), host, requestPath);
    const file = CARD_FILES[requestPath];
    const card =
      backend && file && req.method === 'GET'
        ? await this.cardBehind(backend.namespace, backend.service, file)
        : undefined;
    if (card === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(card);
  }

  /** The card file the pods behind a Service mount at A2A_CARD_DIR, if any. */
  private async cardBehind(
    namespace: string,
    serviceName: string,
    file: string,
  ) {
    const service = this.services
      .list()
      .find(
        s =>
          s.metadata.namespace === namespace && s.metadata.name === serviceName,
      );
    const selector: Record<string, string> = service?.spec?.selector ?? {};
    if (!service || Object.keys(selector).length === 0) return undefined;
    const deployments = await this.client.get(
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
    );
    const deployment = (deployments.items ?? []).find((d: Obj) =>
      Object.entries(selector).every(
        ([k, v]) => d.spec?.template?.metadata?.labels?.[k] === v,
      ),
    );
    if (!deployment || !(deployment.status?.availableReplicas > 0)) {
      return undefined;
    }
    const pod = deployment.spec.template.spec;
    for (const container of pod.containers ?? []) {
      const dir = (container.env ?? []).find(
        (e: Obj) => e.name === 'A2A_CARD_DIR',
      )?.value;
      const mount = (container.volumeMounts ?? []).find(
        (m: Obj) => m.mountPath === dir,
      );
      const volume = (pod.volumes ?? []).find(
        (v: Obj) => v.name === mount?.name,
      );
      const configMap = volume?.configMap?.name;
      if (!configMap) continue;
      try {
        const data = await this.client.get(
          `/api/v1/namespaces/${namespace}/configmaps/${configMap}`,
        );
        return data.data?.[file];
      } catch (error) {
        if (error instanceof KubeError && error.status === 404)
          return undefined;
        throw error;
      }
    }
    return undefined;
  }
}
