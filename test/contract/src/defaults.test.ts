import {
  behaviour,
  describeContract,
  TargetContext,
  uniqueName,
} from './lib/contract';
import { paths } from './lib/fixtures';
import { renderedObjects } from './lib/rendered';

/** What the server adds to every object, compared apart from the rest. */
function stripServerFields(obj: any) {
  const {
    uid,
    resourceVersion,
    creationTimestamp,
    managedFields,
    ...metadata
  } = obj.metadata;
  expect(uid).toMatch(/^[0-9a-f-]{36}$/);
  expect(resourceVersion).toMatch(/^\d+$/);
  expect(creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(managedFields).toEqual([
    expect.objectContaining({ manager: 'kars', operation: 'Apply' }),
  ]);
  return { ...obj, metadata };
}

function pathOf(o: any): string {
  const plural: Record<string, string> = {
    Namespace: 'namespaces',
    NetworkPolicy: 'networkpolicies',
    ServiceAccount: 'serviceaccounts',
    Secret: 'secrets',
    ConfigMap: 'configmaps',
    Deployment: 'deployments',
    Service: 'services',
    InferencePolicy: 'inferencepolicies',
    KarsSandbox: 'karssandboxes',
    Lease: 'leases',
    ClusterRoleBinding: 'clusterrolebindings',
  };
  const api = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
  const ns = o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : '';
  return `${api}${ns}/${plural[o.kind]}/${o.metadata.name}`;
}

/**
 * Applies `obj` as manager `kars`, checks that the GET equals `expected` exactly
 * (server-set metadata apart), and that applying it again changes nothing.
 */
async function applyAndCompare(t: TargetContext, obj: any, expected: any) {
  const path = pathOf(obj);
  if (!obj.metadata.namespace) t.cleanup(path);
  const applied = await t.raw.apply(path, obj, 'kars');
  expect({
    status: applied.status,
    body: applied.status === 201 ? 'ok' : applied.json,
  }).toEqual({
    status: 201,
    body: 'ok',
  });
  const got = await t.raw.get(path);
  expect(got.status).toBe(200);
  const stored = stripServerFields(got.json);
  expect(stored).toEqual(expected);
  const again = await t.raw.apply(path, obj, 'kars');
  expect(again.status).toBe(200);
  expect(again.json.metadata.resourceVersion).toBe(
    got.json.metadata.resourceVersion,
  );
  return got.json;
}

const CONTAINER_DEFAULTS = {
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  imagePullPolicy: 'IfNotPresent',
};
const PROBE_DEFAULTS = {
  timeoutSeconds: 1,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
};

describeContract(
  'What a GET returns after server-side apply (defaults)',
  () => {
    const suffix = uniqueName('x').slice(2);
    const objects = (t: TargetContext) => renderedObjects(t.ns, suffix);

    behaviour(
      'Namespace: adds the kubernetes.io/metadata.name label, spec.finalizers [kubernetes], phase Active',
      async t => {
        const o = objects(t).namespace;
        await applyAndCompare(t, o, {
          ...o,
          metadata: {
            ...o.metadata,
            labels: {
              ...o.metadata.labels,
              'kubernetes.io/metadata.name': o.metadata.name,
            },
          },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        });
      },
    );

    behaviour(
      'NetworkPolicy: generation 1, port protocol defaults to TCP, nothing else added',
      async t => {
        const o = objects(t).networkPolicy;
        const tcp = (p: any) => ({ protocol: 'TCP', ...p });
        await applyAndCompare(t, o, {
          ...o,
          metadata: { ...o.metadata, generation: 1 },
          spec: {
            ...o.spec,
            ingress: o.spec.ingress.map(r => ({
              ...r,
              ports: r.ports.map(tcp),
            })),
            egress: o.spec.egress.map(r => ({ ...r, ports: r.ports.map(tcp) })),
          },
        });
      },
    );

    behaviour(
      'ServiceAccount: stored as applied (no secrets, no generation)',
      async t => {
        const o = objects(t).serviceAccount;
        await applyAndCompare(t, o, o);
      },
    );

    behaviour('Secret: type defaults to Opaque', async t => {
      const o = objects(t).secret;
      await applyAndCompare(t, o, { ...o, type: 'Opaque' });
    });

    behaviour('ConfigMap: stored as applied', async t => {
      const o = objects(t).configMap;
      await applyAndCompare(t, o, o);
    });

    behaviour(
      'Deployment: strategy, history, deadline, pod and container defaults, canonical quantities, empty status',
      async t => {
        const o = objects(t).deployment;
        const pod: any = o.spec.template.spec;
        const [agent, router] = pod.containers;
        const [guard] = pod.initContainers;
        const tcpPorts = (c: any) =>
          c.ports.map((p: any) => ({ ...p, protocol: 'TCP' }));
        await applyAndCompare(t, o, {
          ...o,
          metadata: { ...o.metadata, generation: 1 },
          spec: {
            ...o.spec,
            replicas: 1,
            strategy: {
              type: 'RollingUpdate',
              rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
            },
            revisionHistoryLimit: 10,
            progressDeadlineSeconds: 600,
            template: {
              metadata: o.spec.template.metadata,
              spec: {
                ...pod,
                restartPolicy: 'Always',
                terminationGracePeriodSeconds: 30,
                dnsPolicy: 'ClusterFirst',
                schedulerName: 'default-scheduler',
                serviceAccount: pod.serviceAccountName, // the deprecated alias, filled in
                initContainers: [{ ...guard, ...CONTAINER_DEFAULTS }],
                containers: [
                  {
                    ...agent,
                    ...CONTAINER_DEFAULTS,
                    ports: tcpPorts(agent),
                    env: [
                      agent.env[0],
                      {
                        name: 'POD_NAME',
                        valueFrom: {
                          fieldRef: {
                            apiVersion: 'v1',
                            fieldPath: 'metadata.name',
                          },
                        },
                      },
                    ],
                    // quantities come back canonical: 0.5 → 500m, 1024Mi → 1Gi
                    resources: {
                      limits: { cpu: '2', memory: '4Gi' },
                      requests: { cpu: '500m', memory: '1Gi' },
                    },
                    readinessProbe: {
                      httpGet: {
                        ...agent.readinessProbe.httpGet,
                        scheme: 'HTTP',
                      },
                      ...PROBE_DEFAULTS,
                    },
                    livenessProbe: {
                      ...PROBE_DEFAULTS,
                      ...agent.livenessProbe,
                    },
                  },
                  {
                    ...router,
                    ...CONTAINER_DEFAULTS,
                    ports: tcpPorts(router),
                    // limits only: a pod template gets no requests defaulted from them
                    resources: router.resources,
                    startupProbe: { ...PROBE_DEFAULTS, ...router.startupProbe },
                  },
                ],
                volumes: [
                  pod.volumes[0],
                  pod.volumes[1],
                  {
                    name: 'config',
                    configMap: {
                      ...pod.volumes[2].configMap,
                      defaultMode: 420,
                    },
                  },
                  {
                    name: 'policy',
                    secret: { ...pod.volumes[3].secret, defaultMode: 420 },
                  },
                ],
              },
            },
          },
          status: {},
        });
      },
    );

    behaviour(
      'Service: ClusterIP type, allocated clusterIP(s), TCP ports, targetPort defaults to port, single-stack IPv4, session affinity None, traffic policy Cluster',
      async t => {
        const o = objects(t).service;
        const got = await applyAndCompare(
          t,
          o,
          expect.objectContaining({ kind: 'Service' }),
        );
        const ip = got.spec.clusterIP;
        expect(ip).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
        expect(stripServerFields(got)).toEqual({
          ...o,
          spec: {
            ...o.spec,
            ports: [
              {
                name: 'https',
                protocol: 'TCP',
                port: 8443,
                targetPort: 'https',
              },
              {
                name: 'gateway',
                protocol: 'TCP',
                port: 18789,
                targetPort: 18789,
              },
              { name: 'a2a', protocol: 'TCP', port: 18791, targetPort: 18791 },
            ],
            type: 'ClusterIP',
            clusterIP: ip,
            clusterIPs: [ip],
            sessionAffinity: 'None',
            ipFamilies: ['IPv4'],
            ipFamilyPolicy: 'SingleStack',
            internalTrafficPolicy: 'Cluster',
          },
          status: { loadBalancer: {} },
        });
      },
    );

    behaviour(
      'InferencePolicy: schema defaults (provider, appliesTo.action, perRequestTokens), generation 1',
      async t => {
        const o = objects(t).inferencePolicy;
        await applyAndCompare(t, o, {
          ...o,
          metadata: { ...o.metadata, generation: 1 },
          spec: {
            ...o.spec,
            provider: 'azure-openai',
            appliesTo: { ...o.spec.appliesTo, action: '*' },
            tokenBudget: { perRequestTokens: 0, ...o.spec.tokenBudget },
          },
        });
      },
    );

    behaviour(
      'KarsSandbox: every schema default is filled in (isolation enhanced, runtime OpenClaw, budgets 0, content safety Medium, endpoint port 443, …)',
      async t => {
        const o = objects(t).karsSandbox;
        await applyAndCompare(t, o, {
          ...o,
          metadata: { ...o.metadata, generation: 1 },
          spec: {
            owner: 'group:default/team-a',
            model: 'gpt-4o',
            inferenceRef: { name: 'demo' },
            runtime: { kind: 'OpenClaw' },
            sandbox: { isolation: 'enhanced' },
            tokenBudget: {
              perRequestTokens: 0,
              dailyTokens: 0,
              monthlyTokens: 0,
            },
            contentSafety: {
              hate: 'Medium',
              selfHarm: 'Medium',
              sexual: 'Medium',
              violence: 'Medium',
              devOnly: false,
            },
            channels: [{ type: 'telegram' }],
            networkPolicy: {
              allowedEndpoints: [{ host: 'api.github.com', port: 443 }],
            },
            governance: { enabled: false, trustThreshold: 500 },
            a2a: {
              enabled: true,
              description: '',
              skills: [
                {
                  id: 'billing',
                  name: 'Billing',
                  description: 'Answers invoice questions',
                  tags: ['finance'],
                },
              ],
            },
            resources: { limits: { cpu: '2', memory: '4Gi' } },
            suspended: false,
          },
        });
      },
    );

    behaviour('Lease: stored as applied', async t => {
      const o = objects(t).lease;
      await applyAndCompare(t, o, o);
    });

    behaviour(
      'ClusterRoleBinding: stored as applied (cluster-scoped, no namespace)',
      async t => {
        const o = objects(t).clusterRoleBinding;
        await applyAndCompare(t, o, o);
      },
    );

    behaviour(
      'server-side apply of a field the schema does not declare is refused (500, "field not declared in schema"), not pruned (a ConfigMap; the KarsSandbox spec keeps unknown fields)',
      async t => {
        const cm = await t.raw.apply(
          paths.core(t.ns, 'configmaps', 'undeclared'),
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'undeclared' },
            unknownField: 1,
          },
          'kars',
        );
        expect(cm.status).toBe(500);
        expect(cm.json).toMatchObject({
          kind: 'Status',
          status: 'Failure',
          code: 500,
        });
        expect(cm.json.message).toContain(
          '.unknownField: field not declared in schema',
        );
      },
    );

    behaviour(
      'server-side apply keeps the kars-only fields where the KarsSandbox spec keeps unknown fields (its top, sandbox, governance)',
      async t => {
        const o = objects(t).karsSandbox;
        const kars = {
          meshAuth: { mode: 'strict' },
          sandbox: { isolation: 'confidential', seccompProfile: 'kars-strict' },
          governance: { enabled: true, registryMode: 'local' },
        };
        const applied = await t.raw.apply(
          paths.kars(t.ns, 'karssandboxes', 'kars-layout'),
          {
            ...o,
            metadata: { name: 'kars-layout', namespace: t.ns },
            spec: { ...o.spec, ...kars },
          },
          'kars',
        );
        expect(applied.status).toBe(201);
        const got = await t.raw.get(
          paths.kars(t.ns, 'karssandboxes', 'kars-layout'),
        );
        expect(got.json.spec).toMatchObject(kars);
      },
    );

    behaviour(
      'server-side apply of an undeclared field in a closed block below the open KarsSandbox spec is accepted and the field pruned, without a warning',
      async t => {
        const o = objects(t).karsSandbox;
        const applied = await t.raw.apply(
          paths.kars(t.ns, 'karssandboxes', 'closed-block'),
          {
            ...o,
            metadata: { name: 'closed-block', namespace: t.ns },
            spec: {
              ...o.spec,
              tokenBudget: { dailyTokens: 5, unknownField: 1 },
            },
          },
          'kars',
        );
        expect(applied.status).toBe(201);
        expect(applied.json.spec.tokenBudget).toMatchObject({ dailyTokens: 5 });
        expect(applied.json.spec.tokenBudget.unknownField).toBeUndefined();
        expect(applied.headers.warning).toBeUndefined();
      },
    );
  },
  { crds: true },
);
