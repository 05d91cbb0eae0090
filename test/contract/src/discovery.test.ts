import { behaviour, describeContract } from './lib/contract';
import { KARS_API } from './lib/fixtures';

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function resource(list: any, name: string) {
  const found = list.resources.find((r: any) => r.name === name);
  if (!found) throw new Error(`${list.groupVersion} has no resource ${name}`);
  return { ...found, verbs: [...found.verbs].sort() };
}

describeContract(
  'Discovery',
  () => {
    behaviour(
      '/version names a Kubernetes version (major, minor, gitVersion)',
      async t => {
        const res = await t.raw.get('/version');
        expect(res.status).toBe(200);
        expect(res.json).toMatchObject({
          major: '1',
          minor: expect.stringMatching(/^\d+\+?$/),
          gitVersion: expect.stringMatching(/^v1\.\d+\.\d+/),
        });
      },
    );

    behaviour('/api lists the core version v1 (APIVersions)', async t => {
      const res = await t.raw.get('/api');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    });

    behaviour(
      '/apis lists apps, networking, rbac, coordination, node, admissionregistration and apiextensions with v1 preferred',
      async t => {
        const res = await t.raw.get('/apis');
        expect(res.status).toBe(200);
        expect(res.json).toMatchObject({
          kind: 'APIGroupList',
          apiVersion: 'v1',
        });
        for (const group of [
          'apps',
          'networking.k8s.io',
          'rbac.authorization.k8s.io',
          'coordination.k8s.io',
          'node.k8s.io',
          'admissionregistration.k8s.io',
          'apiextensions.k8s.io',
          'authentication.k8s.io',
        ]) {
          const g = res.json.groups.find((x: any) => x.name === group);
          expect({ group, found: g }).toMatchObject({
            group,
            found: {
              name: group,
              versions: expect.arrayContaining([
                { groupVersion: `${group}/v1`, version: 'v1' },
              ]),
              preferredVersion: { groupVersion: `${group}/v1`, version: 'v1' },
            },
          });
        }
      },
    );

    behaviour(
      '/api/v1 describes namespaces (cluster-scoped), configmaps, secrets, serviceaccounts, services with kind, verbs and subresources',
      async t => {
        const res = await t.raw.get('/api/v1');
        expect(res.status).toBe(200);
        const list = res.json;
        expect(list).toMatchObject({
          kind: 'APIResourceList',
          groupVersion: 'v1',
        });
        expect(resource(list, 'namespaces')).toMatchObject({
          singularName: 'namespace',
          namespaced: false,
          kind: 'Namespace',
          shortNames: ['ns'],
          verbs: [
            'create',
            'delete',
            'get',
            'list',
            'patch',
            'update',
            'watch',
          ],
        });
        expect(resource(list, 'namespaces/status')).toMatchObject({
          namespaced: false,
          kind: 'Namespace',
          verbs: ['get', 'patch', 'update'],
        });
        expect(resource(list, 'namespaces/finalize')).toMatchObject({
          namespaced: false,
          kind: 'Namespace',
          verbs: ['update'],
        });
        for (const [name, kind, singularName] of [
          ['configmaps', 'ConfigMap', 'configmap'],
          ['secrets', 'Secret', 'secret'],
          ['serviceaccounts', 'ServiceAccount', 'serviceaccount'],
          ['services', 'Service', 'service'],
        ]) {
          expect(resource(list, name)).toMatchObject({
            name,
            singularName,
            namespaced: true,
            kind,
            verbs: ALL_VERBS,
          });
        }
        expect(resource(list, 'serviceaccounts/token')).toMatchObject({
          namespaced: true,
          group: 'authentication.k8s.io',
          version: 'v1',
          kind: 'TokenRequest',
          verbs: ['create'],
        });
        expect(resource(list, 'services/status')).toMatchObject({
          namespaced: true,
          kind: 'Service',
          verbs: ['get', 'patch', 'update'],
        });
      },
    );

    behaviour(
      'group versions describe deployments, daemonsets, networkpolicies, leases, RBAC kinds and runtimeclasses',
      async t => {
        const expectations: [string, string, string, boolean][] = [
          ['apps/v1', 'deployments', 'Deployment', true],
          ['apps/v1', 'deployments/status', 'Deployment', true],
          ['apps/v1', 'daemonsets', 'DaemonSet', true],
          ['networking.k8s.io/v1', 'networkpolicies', 'NetworkPolicy', true],
          ['coordination.k8s.io/v1', 'leases', 'Lease', true],
          ['rbac.authorization.k8s.io/v1', 'roles', 'Role', true],
          ['rbac.authorization.k8s.io/v1', 'rolebindings', 'RoleBinding', true],
          [
            'rbac.authorization.k8s.io/v1',
            'clusterroles',
            'ClusterRole',
            false,
          ],
          [
            'rbac.authorization.k8s.io/v1',
            'clusterrolebindings',
            'ClusterRoleBinding',
            false,
          ],
          ['node.k8s.io/v1', 'runtimeclasses', 'RuntimeClass', false],
          [
            'admissionregistration.k8s.io/v1',
            'validatingadmissionpolicies',
            'ValidatingAdmissionPolicy',
            false,
          ],
          [
            'apiextensions.k8s.io/v1',
            'customresourcedefinitions',
            'CustomResourceDefinition',
            false,
          ],
        ];
        for (const [gv, name, kind, namespaced] of expectations) {
          const res = await t.raw.get(`/apis/${gv}`);
          expect({ gv, status: res.status }).toEqual({ gv, status: 200 });
          expect(res.json).toMatchObject({
            kind: 'APIResourceList',
            groupVersion: gv,
          });
          const r = resource(res.json, name);
          expect({ gv, name, kind: r.kind, namespaced: r.namespaced }).toEqual({
            gv,
            name,
            kind,
            namespaced,
          });
          if (!name.includes('/')) expect(r.verbs).toEqual(ALL_VERBS);
          else expect(r.verbs).toEqual(['get', 'patch', 'update']);
        }
      },
    );

    behaviour(
      'an installed CRD is Established and its group kars.azure.com is discoverable with kinds, status subresources, short names and categories',
      async t => {
        for (const name of [
          'karssandboxes.kars.azure.com',
          'inferencepolicies.kars.azure.com',
        ]) {
          const crd = await t.raw.get(
            `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
          );
          expect(crd.status).toBe(200);
          const conditions = Object.fromEntries(
            crd.json.status.conditions.map((c: any) => [c.type, c.status]),
          );
          expect(conditions).toMatchObject({
            Established: 'True',
            NamesAccepted: 'True',
          });
          expect(crd.json.status.acceptedNames).toMatchObject({
            kind: name.startsWith('kars') ? 'KarsSandbox' : 'InferencePolicy',
          });
        }
        const groups = await t.raw.get('/apis');
        expect(groups.json.groups).toContainEqual({
          name: 'kars.azure.com',
          versions: [{ groupVersion: KARS_API, version: 'v1alpha1' }],
          preferredVersion: { groupVersion: KARS_API, version: 'v1alpha1' },
        });
        const group = await t.raw.get('/apis/kars.azure.com');
        expect(group.json).toMatchObject({
          kind: 'APIGroup',
          name: 'kars.azure.com',
          preferredVersion: { groupVersion: KARS_API, version: 'v1alpha1' },
        });
        const list = (await t.raw.get(`/apis/${KARS_API}`)).json;
        expect(list).toMatchObject({
          kind: 'APIResourceList',
          groupVersion: KARS_API,
        });
        expect(resource(list, 'karssandboxes')).toMatchObject({
          singularName: 'karssandbox',
          namespaced: true,
          kind: 'KarsSandbox',
          categories: ['kars'],
          verbs: ALL_VERBS,
        });
        expect(resource(list, 'karssandboxes/status')).toMatchObject({
          namespaced: true,
          kind: 'KarsSandbox',
          verbs: ['get', 'patch', 'update'],
        });
        expect(resource(list, 'inferencepolicies')).toMatchObject({
          singularName: 'inferencepolicy',
          namespaced: true,
          kind: 'InferencePolicy',
          shortNames: ['ip'],
          categories: ['kars'],
          verbs: ALL_VERBS,
        });
        expect(resource(list, 'inferencepolicies/status')).toMatchObject({
          kind: 'InferencePolicy',
          verbs: ['get', 'patch', 'update'],
        });
      },
    );

    behaviour(
      'client-node KubernetesObjectApi resolves kinds through discovery, for built-ins and CRs',
      async t => {
        const cm = await t.objects.read({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: t.ns },
        });
        expect(cm.metadata?.name).toBe(t.ns);
        const list = await t.objects.list(KARS_API, 'KarsSandbox', t.ns);
        expect(list.items).toEqual([]);
      },
    );

    behaviour(
      'a group version lists its resources in name order, in both discovery formats (the order of kubectl get all)',
      async t => {
        const names = (
          resources: Array<{ name?: string; resource?: string }>,
        ) =>
          resources
            .map(r => r.name ?? r.resource!)
            .filter(name => !name.includes('/'));
        const sorted = (list: string[]) => [...list].sort();
        for (const path of ['/api/v1', '/apis/apps/v1']) {
          const listed = names((await t.raw.get(path)).json.resources);
          expect(listed).toEqual(sorted(listed));
        }
        const aggregated = await t.raw.get(
          '/api',
          undefined,
          'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
        );
        const core = names(aggregated.json.items[0].versions[0].resources);
        expect(core).toEqual(expect.arrayContaining(['pods', 'services']));
        expect(core).toEqual(sorted(core));
      },
    );
  },
  { crds: true },
);
