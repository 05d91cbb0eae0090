import http from 'node:http';
import { mockServices } from '@backstage/backend-test-utils';
import {
  agentCardSchema,
  sandboxSpecSchema,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { CERTIFICATE_ANNOTATION } from '@kars-portal/workload-simulator';
import { ClusterConnection } from '../service/ClusterConnection';
import { buildSandboxObject } from '../service/sandboxObject';
import {
  backendConnection,
  backendGateway,
  eventually,
} from '../__testUtils__/backend';
import { ClusterController } from './ClusterController';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();
const DOMAIN = 'agents.example.test';

/** A GET through the simulated ingress controller, for a host, as `curl -H 'Host: …'` sends it. */
function getThroughGateway(gatewayUrl: string, host: string, path: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.get(`${gatewayUrl}${path}`, { headers: { host } }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
  });
}

describe.each(clusterTargetNames())(
  'the public A2A gateway on the %s',
  targetName => {
    let target: ClusterTarget;
    let connection: ClusterConnection;
    let controller: ClusterController;

    const sandboxRef = (name: string) => ({
      apiVersion: 'kars.azure.com/v1alpha1',
      kind: 'KarsSandbox',
      name,
      namespace: 'kars-system',
    });
    const live = (apiVersion: string, kind: string, name: string) =>
      target.admin.get<any>({
        apiVersion,
        kind,
        name,
        namespace: 'kars-gw-a',
      });
    const statusOf = async (name: string) =>
      (await target.admin.get<any>(sandboxRef(name)))?.status;
    const gatewayCondition = async (name: string) =>
      (await statusOf(name))?.conditions?.find(
        (c: any) => c.type === 'A2AGatewayReady',
      );
    const create = (name: string, spec: SandboxSpecInput) =>
      target.admin.create(
        buildSandboxObject(name, sandboxSpecSchema.parse(spec), 'kars-system'),
      );

    beforeAll(async () => {
      target = await startClusterTarget(targetName, { certManager: true });
      connection = backendConnection(target, backendGateway(target), logger, {
        a2aGateway: {
          domain: DOMAIN,
          issuer: { name: 'letsencrypt' },
          ingressClassName: 'nginx',
        },
      });
      controller = new ClusterController(connection, logger, {
        identity: 'replica-1',
        leaseDurationSeconds: 3,
        reconcilerOptions: { baseDelayMs: 100, maxDelayMs: 1000 },
      });
      await create('gw-a', {
        owner: 'group:default/team-a',
        a2a: { publicGateway: true },
      });
      await create('gw-b', { owner: 'group:default/team-b' });
      controller.start();
    });

    afterAll(async () => {
      await controller?.stop();
      await connection?.stop();
      await target?.stop();
    });

    it('publishes a sandbox that asks: the server accepted all four objects, and the status says where', async () => {
      const status = await eventually('gw-a published', async () => {
        const s = await statusOf('gw-a');
        return s?.a2aGateway?.certificateReady && s.a2aGateway.address && s;
      });
      expect(status.a2aGateway).toEqual({
        url: `https://gw-a.${DOMAIN}`,
        address: expect.stringMatching(/^198\.51\.100\.\d+$/),
        certificateReady: true,
      });
      expect(await gatewayCondition('gw-a')).toMatchObject({
        status: 'True',
        reason: 'Published',
      });

      const certificate = await live(
        'cert-manager.io/v1',
        'Certificate',
        'a2a-gateway',
      );
      expect(certificate.spec).toMatchObject({
        secretName: 'a2a-gateway-tls',
        dnsNames: [`gw-a.${DOMAIN}`],
        issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' },
      });
      const ingress = await live(
        'networking.k8s.io/v1',
        'Ingress',
        'a2a-gateway',
      );
      expect(ingress.spec.ingressClassName).toBe('nginx');
      expect(
        ingress.spec.rules[0].http.paths.map((p: any) => p.path).sort(),
      ).toEqual(['/.well-known/agent-card.json', '/.well-known/agent.json']);
      const service = await live('v1', 'Service', 'a2a-gateway');
      expect(service.spec).toMatchObject({
        type: 'LoadBalancer',
        ports: [expect.objectContaining({ port: 443 })],
      });
      const policy = await live(
        'networking.k8s.io/v1',
        'NetworkPolicy',
        'a2a-gateway-ingress',
      );
      expect(policy.spec.ingress).toHaveLength(1);
      expect(policy.spec.ingress[0].ports).toEqual([
        { protocol: 'TCP', port: 8443 },
      ]);
      // The card's in-cluster URL names the router Service, which exists.
      expect(await live('v1', 'Service', 'gw-a')).toBeDefined();
    });

    it('serves the card through the simulated gateway host, naming the public URL first', async () => {
      const answer = await eventually(
        'the card through the gateway',
        async () => {
          const r = await getThroughGateway(
            target.gatewayUrl!,
            `gw-a.${DOMAIN}`,
            '/.well-known/agent-card.json',
          );
          return r.status === 200 && r;
        },
      );
      const card = agentCardSchema.parse(JSON.parse(answer.body));
      expect(card.supportedInterfaces[0].url).toBe(
        `https://gw-a.${DOMAIN}/a2a`,
      );
      expect(card.skills.length).toBeGreaterThan(0);
      expect(
        (
          await getThroughGateway(
            target.gatewayUrl!,
            `gw-b.${DOMAIN}`,
            '/.well-known/agent-card.json',
          )
        ).status,
      ).toBe(404);
      expect(
        (await getThroughGateway(target.gatewayUrl!, `gw-a.${DOMAIN}`, '/a2a'))
          .status,
      ).toBe(404);
    });

    it('makes nothing public for a sandbox that did not ask, on a cluster whose default is off', async () => {
      await eventually(
        'gw-b Running',
        async () => (await statusOf('gw-b'))?.phase === 'Running',
      );
      const status = await statusOf('gw-b');
      expect(status.a2aGateway).toBeUndefined();
      expect(
        await target.admin.get({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          name: 'a2a-gateway',
          namespace: 'kars-gw-b',
        }),
      ).toBeUndefined();
    });

    it('reports a certificate the issuer refuses, and recovers when it is issued', async () => {
      const ref = {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        name: 'a2a-gateway',
        namespace: 'kars-gw-a',
      };
      await target.admin.mergePatch(ref, {
        metadata: { annotations: { [CERTIFICATE_ANNOTATION]: 'fail' } },
      });
      const refused = await eventually('CertificateNotReady', async () => {
        const c = await gatewayCondition('gw-a');
        return c?.reason === 'CertificateNotReady' && c;
      });
      expect(refused.status).toBe('False');
      expect(refused.message).toContain('Failed');
      expect((await statusOf('gw-a')).a2aGateway.certificateReady).toBe(false);
      await target.admin.mergePatch(ref, {
        metadata: { annotations: { [CERTIFICATE_ANNOTATION]: null } },
      });
      await eventually(
        'Published again',
        async () => (await gatewayCondition('gw-a'))?.reason === 'Published',
      );
    });

    it('takes the gateway down when the spec turns it off: objects pruned, status and condition gone', async () => {
      await target.admin.mergePatch(sandboxRef('gw-a'), {
        spec: { a2a: { publicGateway: false } },
      });
      await eventually('the gateway objects pruned', async () => {
        const left: Array<KubeObject | undefined> = await Promise.all([
          live('cert-manager.io/v1', 'Certificate', 'a2a-gateway'),
          live('networking.k8s.io/v1', 'Ingress', 'a2a-gateway'),
          live('v1', 'Service', 'a2a-gateway'),
          live('networking.k8s.io/v1', 'NetworkPolicy', 'a2a-gateway-ingress'),
        ]);
        return left.every(o => o === undefined);
      });
      await eventually('status without the gateway', async () => {
        const s = await statusOf('gw-a');
        return (
          s.a2aGateway === undefined &&
          !s.conditions.some((c: any) => c.type === 'A2AGatewayReady')
        );
      });
      expect(await live('v1', 'Service', 'gw-a')).toBeDefined();
    });
  },
);
