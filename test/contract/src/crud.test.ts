import {
  PatchStrategy,
  setHeaderOptions,
  V1ConfigMap,
} from '@kubernetes/client-node';
import { behaviour, describeContract, uniqueName } from './lib/contract';
import {
  expectStatus,
  inferencePolicy,
  KARS_GROUP,
  KARS_VERSION,
  karsSandbox,
  paths,
  rejection,
  RFC3339_MICRO,
  RFC3339_SECONDS,
  RV,
  UID,
} from './lib/fixtures';

describeContract(
  'Create, read, update, patch, delete',
  () => {
    behaviour(
      'a new Namespace is Active, carries the kubernetes finalizer and its kubernetes.io/metadata.name label',
      async t => {
        const name = uniqueName('kc-ns');
        t.cleanup(paths.ns(name));
        const created = await t.raw.request('POST', paths.ns(), {
          body: {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name, labels: { a: 'b' } },
          },
        });
        expect(created.status).toBe(201);
        const got = await t.raw.get(paths.ns(name));
        expect(got.status).toBe(200);
        expect(got.json).toMatchObject({
          kind: 'Namespace',
          apiVersion: 'v1',
          metadata: {
            name,
            labels: { a: 'b', 'kubernetes.io/metadata.name': name },
          },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        });
        expect(got.json.metadata.namespace).toBeUndefined();
      },
    );

    behaviour(
      'create answers 201 with the stored object: uid, numeric resourceVersion, RFC 3339 creationTimestamp, no generation for ConfigMaps',
      async t => {
        const res = await t.raw.request(
          'POST',
          paths.core(t.ns, 'configmaps'),
          {
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'created' },
              data: { k: 'v' },
            },
          },
        );
        expect(res.status).toBe(201);
        expect(res.json).toMatchObject({
          kind: 'ConfigMap',
          apiVersion: 'v1',
          metadata: {
            name: 'created',
            namespace: t.ns,
            uid: expect.stringMatching(UID),
            resourceVersion: expect.stringMatching(RV),
            creationTimestamp: expect.stringMatching(RFC3339_SECONDS),
          },
          data: { k: 'v' },
        });
        expect(res.json.metadata.generation).toBeUndefined();
        const got = await t.raw.get(paths.core(t.ns, 'configmaps', 'created'));
        expect(got.json).toEqual(res.json);
      },
    );

    behaviour(
      'client-node create, read and list round-trip a ConfigMap',
      async t => {
        const body: V1ConfigMap = {
          metadata: {
            name: 'typed',
            labels: { app: 'x' },
            annotations: { note: 'n' },
          },
          data: { 'config.json': '{"a":1}' },
        };
        const created = await t.core.createNamespacedConfigMap({
          namespace: t.ns,
          body,
        });
        expect(created.metadata?.uid).toMatch(UID);
        const read = await t.core.readNamespacedConfigMap({
          namespace: t.ns,
          name: 'typed',
        });
        expect(read.data).toEqual({ 'config.json': '{"a":1}' });
        expect(read.metadata?.labels).toEqual({ app: 'x' });
        expect(read.metadata?.annotations).toEqual({ note: 'n' });
        const list = await t.core.listNamespacedConfigMap({ namespace: t.ns });
        expect(list.items.map(i => i.metadata?.name)).toContain('typed');
        expect(list.metadata?.resourceVersion).toMatch(RV);
      },
    );

    behaviour(
      'update (PUT) with the current resourceVersion replaces the object and changes its resourceVersion',
      async t => {
        const created = await t.core.createNamespacedConfigMap({
          namespace: t.ns,
          body: { metadata: { name: 'updated' }, data: { a: '1', b: '2' } },
        });
        const replaced = await t.core.replaceNamespacedConfigMap({
          namespace: t.ns,
          name: 'updated',
          body: { ...created, data: { a: '10' } },
        });
        expect(replaced.data).toEqual({ a: '10' });
        expect(replaced.metadata?.resourceVersion).not.toBe(
          created.metadata?.resourceVersion,
        );
        expect(replaced.metadata?.uid).toBe(created.metadata?.uid);
        expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
          Number(created.metadata?.resourceVersion),
        );
      },
    );

    behaviour(
      'update with a stale resourceVersion is refused: 409 Conflict',
      async t => {
        const created = await t.core.createNamespacedConfigMap({
          namespace: t.ns,
          body: { metadata: { name: 'stale' }, data: { a: '1' } },
        });
        await t.core.replaceNamespacedConfigMap({
          namespace: t.ns,
          name: 'stale',
          body: { ...created, data: { a: '2' } },
        });
        const { code, body } = await rejection(
          t.core.replaceNamespacedConfigMap({
            namespace: t.ns,
            name: 'stale',
            body: { ...created, data: { a: '3' } },
          }),
        );
        expect(code).toBe(409);
        expect(body).toMatchObject({
          kind: 'Status',
          status: 'Failure',
          reason: 'Conflict',
          code: 409,
          details: { name: 'stale', kind: 'configmaps' },
        });
        const now = await t.core.readNamespacedConfigMap({
          namespace: t.ns,
          name: 'stale',
        });
        expect(now.data).toEqual({ a: '2' });
      },
    );

    behaviour(
      'merge patch sets and (with null) removes keys and leaves the others alone',
      async t => {
        await t.core.createNamespacedConfigMap({
          namespace: t.ns,
          body: {
            metadata: { name: 'merged', labels: { keep: 'y', drop: 'y' } },
            data: { a: '1', b: '2' },
          },
        });
        const patched = await t.core.patchNamespacedConfigMap(
          {
            namespace: t.ns,
            name: 'merged',
            body: {
              metadata: { labels: { drop: null, add: 'y' } },
              data: { b: null, c: '3' },
            },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        expect(patched.data).toEqual({ a: '1', c: '3' });
        expect(patched.metadata?.labels).toEqual({ keep: 'y', add: 'y' });
      },
    );

    behaviour(
      'JSON patch applies add, replace and remove; a failing test op is 422 Invalid and changes nothing',
      async t => {
        await t.core.createNamespacedConfigMap({
          namespace: t.ns,
          body: { metadata: { name: 'jsonpatch' }, data: { a: '1', b: '2' } },
        });
        const patched = await t.core.patchNamespacedConfigMap(
          {
            namespace: t.ns,
            name: 'jsonpatch',
            body: [
              { op: 'test', path: '/data/a', value: '1' },
              { op: 'replace', path: '/data/a', value: '10' },
              { op: 'remove', path: '/data/b' },
              { op: 'add', path: '/data/c', value: '3' },
            ],
          },
          setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
        );
        expect(patched.data).toEqual({ a: '10', c: '3' });
        const res = await t.raw.request(
          'PATCH',
          paths.core(t.ns, 'configmaps', 'jsonpatch'),
          {
            body: [
              { op: 'test', path: '/data/a', value: '1' },
              { op: 'replace', path: '/data/a', value: '99' },
            ],
            contentType: 'application/json-patch+json',
          },
        );
        expectStatus(res, 422, 'Invalid');
        const now = await t.core.readNamespacedConfigMap({
          namespace: t.ns,
          name: 'jsonpatch',
        });
        expect(now.data).toEqual({ a: '10', c: '3' });
      },
    );

    behaviour(
      'delete without finalizers answers 200 with a Success Status naming the object, and it is gone',
      async t => {
        const created = await t.core.createNamespacedConfigMap({
          namespace: t.ns,
          body: { metadata: { name: 'deleted' } },
        });
        const res = await t.raw.request(
          'DELETE',
          paths.core(t.ns, 'configmaps', 'deleted'),
        );
        expect(res.status).toBe(200);
        expect(res.json).toMatchObject({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Success',
          details: {
            name: 'deleted',
            kind: 'configmaps',
            uid: created.metadata?.uid,
          },
        });
        const again = await t.raw.get(
          paths.core(t.ns, 'configmaps', 'deleted'),
        );
        expectStatus(again, 404, 'NotFound', {
          name: 'deleted',
          kind: 'configmaps',
        });
      },
    );

    behaviour(
      'Secret data is base64 on the wire and round-trips bytes; stringData is merged into data on write and never returned',
      async t => {
        const bytes = Buffer.from([0, 1, 2, 250, 255]);
        const res = await t.raw.request('POST', paths.core(t.ns, 'secrets'), {
          body: {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'creds' },
            data: {
              bin: bytes.toString('base64'),
              token: Buffer.from('old').toString('base64'),
            },
            stringData: { token: 'new', plain: 'hello' },
          },
        });
        expect(res.status).toBe(201);
        const got = (await t.raw.get(paths.core(t.ns, 'secrets', 'creds')))
          .json;
        expect(got.type).toBe('Opaque');
        expect(got.stringData).toBeUndefined();
        expect(got.data).toEqual({
          bin: bytes.toString('base64'),
          token: Buffer.from('new').toString('base64'),
          plain: Buffer.from('hello').toString('base64'),
        });
        const patched = await t.raw.request(
          'PATCH',
          paths.core(t.ns, 'secrets', 'creds'),
          {
            body: { stringData: { plain: 'again' } },
            contentType: 'application/merge-patch+json',
          },
        );
        expect(patched.status).toBe(200);
        expect(patched.json.stringData).toBeUndefined();
        expect(patched.json.data).toEqual({
          bin: bytes.toString('base64'),
          token: Buffer.from('new').toString('base64'),
          plain: Buffer.from('again').toString('base64'),
        });
        const typed = await t.core.readNamespacedSecret({
          namespace: t.ns,
          name: 'creds',
        });
        expect(Buffer.from(typed.data!.bin, 'base64')).toEqual(bytes);
      },
    );

    behaviour(
      'a Secret with data that is not base64 is 400 BadRequest',
      async t => {
        const res = await t.raw.request('POST', paths.core(t.ns, 'secrets'), {
          body: {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'bad64' },
            data: { k: 'not base64!' },
          },
        });
        expectStatus(res, 400, 'BadRequest');
      },
    );

    behaviour('ServiceAccount: create, annotate, read back', async t => {
      await t.core.createNamespacedServiceAccount({
        namespace: t.ns,
        body: {
          metadata: {
            name: 'robot',
            annotations: {
              'azure.workload.identity/client-id':
                '6c6f3e2a-1b2c-4d5e-8f90-123456789abc',
            },
            labels: { 'azure.workload.identity/use': 'true' },
          },
          automountServiceAccountToken: false,
        },
      });
      const sa = await t.core.readNamespacedServiceAccount({
        namespace: t.ns,
        name: 'robot',
      });
      expect(sa.metadata?.annotations).toEqual({
        'azure.workload.identity/client-id':
          '6c6f3e2a-1b2c-4d5e-8f90-123456789abc',
      });
      expect(sa.automountServiceAccountToken).toBe(false);
      expect(sa.secrets).toBeUndefined();
    });

    behaviour(
      'Service: a ClusterIP is allocated (clusterIPs holds it) and kept across updates',
      async t => {
        const created = await t.core.createNamespacedService({
          namespace: t.ns,
          body: {
            metadata: { name: 'router' },
            spec: {
              selector: { app: 'router' },
              ports: [{ name: 'https', port: 8443 }],
            },
          },
        });
        const ip = created.spec?.clusterIP;
        expect(ip).toMatch(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
        expect(created.spec?.clusterIPs).toEqual([ip]);
        const other = await t.core.createNamespacedService({
          namespace: t.ns,
          body: {
            metadata: { name: 'router2' },
            spec: { ports: [{ port: 80 }] },
          },
        });
        expect(other.spec?.clusterIP).not.toBe(ip);
        const patched = await t.core.patchNamespacedService(
          {
            namespace: t.ns,
            name: 'router',
            body: { metadata: { labels: { x: 'y' } } },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        expect(patched.spec?.clusterIP).toBe(ip);
      },
    );

    behaviour(
      'Service: 300 Services, more than a /24 holds, each get their own ClusterIP from 10.0.0.0/16 (a router Service per sandbox)',
      async t => {
        const ips = new Set<string>();
        for (let i = 0; i < 300; i += 20) {
          const batch = await Promise.all(
            Array.from({ length: 20 }, (_, j) =>
              t.core.createNamespacedService({
                namespace: t.ns,
                body: {
                  metadata: { name: `many-${i + j}` },
                  spec: { ports: [{ port: 8443 }] },
                },
              }),
            ),
          );
          for (const s of batch) ips.add(String(s.spec?.clusterIP));
        }
        expect(ips.size).toBe(300);
        for (const ip of ips) expect(ip).toMatch(/^10\.0\.\d{1,3}\.\d{1,3}$/);
      },
    );

    behaviour('NetworkPolicy: create, read, list, replace, delete', async t => {
      const created = await t.networking.createNamespacedNetworkPolicy({
        namespace: t.ns,
        body: {
          metadata: { name: 'default-deny' },
          spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
        },
      });
      const read = await t.networking.readNamespacedNetworkPolicy({
        namespace: t.ns,
        name: 'default-deny',
      });
      expect(read.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
      const list = await t.networking.listNamespacedNetworkPolicy({
        namespace: t.ns,
      });
      expect(list.items.map(i => i.metadata?.name)).toEqual(['default-deny']);
      const replaced = await t.networking.replaceNamespacedNetworkPolicy({
        namespace: t.ns,
        name: 'default-deny',
        body: {
          ...created,
          spec: {
            podSelector: { matchLabels: { a: 'b' } },
            policyTypes: ['Egress'],
          },
        },
      });
      expect(replaced.spec?.podSelector).toEqual({ matchLabels: { a: 'b' } });
      await t.networking.deleteNamespacedNetworkPolicy({
        namespace: t.ns,
        name: 'default-deny',
      });
      const gone = await t.raw.get(
        paths.group(
          'networking.k8s.io/v1',
          t.ns,
          'networkpolicies',
          'default-deny',
        ),
      );
      expectStatus(gone, 404, 'NotFound', {
        name: 'default-deny',
        group: 'networking.k8s.io',
        kind: 'networkpolicies',
      });
    });

    behaviour('Deployment: create, scale by update, delete', async t => {
      const created = await t.apps.createNamespacedDeployment({
        namespace: t.ns,
        body: {
          metadata: { name: 'web' },
          spec: {
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
            },
          },
        },
      });
      expect(created.spec?.replicas).toBe(1);
      const replaced = await t.apps.replaceNamespacedDeployment({
        namespace: t.ns,
        name: 'web',
        body: { ...created, spec: { ...created.spec!, replicas: 0 } },
      });
      expect(replaced.spec?.replicas).toBe(0);
      await t.apps.deleteNamespacedDeployment({ namespace: t.ns, name: 'web' });
      const gone = await t.raw.get(
        paths.group('apps/v1', t.ns, 'deployments', 'web'),
      );
      expect(gone.status).toBe(404);
    });

    behaviour(
      'a Deployment whose selector does not match its template labels is 422 Invalid',
      async t => {
        const res = await t.raw.request(
          'POST',
          paths.group('apps/v1', t.ns, 'deployments'),
          {
            body: {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata: { name: 'mismatch' },
              spec: {
                selector: { matchLabels: { app: 'a' } },
                template: {
                  metadata: { labels: { app: 'b' } },
                  spec: { containers: [{ name: 'c', image: 'nginx' }] },
                },
              },
            },
          },
        );
        expectStatus(res, 422, 'Invalid', {
          name: 'mismatch',
          group: 'apps',
          kind: 'Deployment',
        });
        expect(res.json.details.causes).toContainEqual(
          expect.objectContaining({ field: 'spec.template.metadata.labels' }),
        );
      },
    );

    behaviour('DaemonSet: create, read and list', async t => {
      await t.apps.createNamespacedDaemonSet({
        namespace: t.ns,
        body: {
          metadata: { name: 'installer', labels: { component: 'seccomp' } },
          spec: {
            selector: { matchLabels: { component: 'seccomp' } },
            template: {
              metadata: { labels: { component: 'seccomp' } },
              spec: {
                containers: [
                  { name: 'pause', image: 'registry.k8s.io/pause:3.10' },
                ],
              },
            },
          },
        },
      });
      const read = await t.apps.readNamespacedDaemonSet({
        namespace: t.ns,
        name: 'installer',
      });
      expect(read.spec?.updateStrategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
      });
      expect(read.spec?.revisionHistoryLimit).toBe(10);
      const list = await t.apps.listNamespacedDaemonSet({
        namespace: t.ns,
        labelSelector: 'component=seccomp',
      });
      expect(list.items.map(i => i.metadata?.name)).toEqual(['installer']);
    });

    behaviour(
      'Lease: MicroTime fields keep microseconds; of two updates from the same resourceVersion only the first wins (409)',
      async t => {
        const renew = '2026-01-02T03:04:05.123456Z';
        const res = await t.raw.request(
          'POST',
          paths.group('coordination.k8s.io/v1', t.ns, 'leases'),
          {
            body: {
              apiVersion: 'coordination.k8s.io/v1',
              kind: 'Lease',
              metadata: { name: 'kars-reconciler' },
              spec: {
                holderIdentity: 'replica-a',
                leaseDurationSeconds: 15,
                acquireTime: renew,
                renewTime: renew,
                leaseTransitions: 0,
              },
            },
          },
        );
        expect(res.status).toBe(201);
        expect(res.json.spec).toEqual({
          holderIdentity: 'replica-a',
          leaseDurationSeconds: 15,
          acquireTime: renew,
          renewTime: renew,
          leaseTransitions: 0,
        });
        expect(res.json.spec.renewTime).toMatch(RFC3339_MICRO);
        const base = res.json;
        const path = paths.group(
          'coordination.k8s.io/v1',
          t.ns,
          'leases',
          'kars-reconciler',
        );
        const takeover = (holder: string) =>
          t.raw.request('PUT', path, {
            body: {
              ...base,
              spec: {
                ...base.spec,
                holderIdentity: holder,
                leaseTransitions: 1,
              },
            },
          });
        const first = await takeover('replica-b');
        const second = await takeover('replica-c');
        expect(first.status).toBe(200);
        expectStatus(second, 409, 'Conflict', {
          name: 'kars-reconciler',
          group: 'coordination.k8s.io',
          kind: 'leases',
        });
        const lease = await t.coordination.readNamespacedLease({
          namespace: t.ns,
          name: 'kars-reconciler',
        });
        expect(lease.spec?.holderIdentity).toBe('replica-b');
      },
    );

    behaviour(
      'Role, RoleBinding and ClusterRoleBinding: create and read back',
      async t => {
        await t.rbac.createNamespacedRole({
          namespace: t.ns,
          body: {
            metadata: { name: 'reader' },
            rules: [
              {
                apiGroups: [''],
                resources: ['secrets'],
                resourceNames: ['creds'],
                verbs: ['get'],
              },
            ],
          },
        });
        await t.rbac.createNamespacedRoleBinding({
          namespace: t.ns,
          body: {
            metadata: { name: 'reader' },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Role',
              name: 'reader',
            },
            subjects: [
              { kind: 'ServiceAccount', name: 'robot', namespace: t.ns },
            ],
          },
        });
        const crbName = uniqueName('kc-crb');
        t.cleanup(
          paths.group(
            'rbac.authorization.k8s.io/v1',
            undefined,
            'clusterrolebindings',
            crbName,
          ),
        );
        await t.rbac.createClusterRoleBinding({
          body: {
            metadata: { name: crbName },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: 'view',
            },
            subjects: [
              { kind: 'ServiceAccount', name: 'robot', namespace: t.ns },
            ],
          },
        });
        const role = await t.rbac.readNamespacedRole({
          namespace: t.ns,
          name: 'reader',
        });
        expect(role.rules).toEqual([
          {
            apiGroups: [''],
            resources: ['secrets'],
            resourceNames: ['creds'],
            verbs: ['get'],
          },
        ]);
        const rb = await t.rbac.readNamespacedRoleBinding({
          namespace: t.ns,
          name: 'reader',
        });
        expect(rb.subjects).toEqual([
          { kind: 'ServiceAccount', name: 'robot', namespace: t.ns },
        ]);
        const crb = await t.rbac.readClusterRoleBinding({ name: crbName });
        expect(crb.roleRef).toEqual({
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'view',
        });
        expect(crb.metadata?.namespace).toBeUndefined();
      },
    );

    behaviour(
      'the roleRef of a binding cannot change: 422 Invalid',
      async t => {
        const path = paths.group(
          'rbac.authorization.k8s.io/v1',
          t.ns,
          'rolebindings',
          'fixed',
        );
        const created = await t.raw.request(
          'POST',
          paths.group('rbac.authorization.k8s.io/v1', t.ns, 'rolebindings'),
          {
            body: {
              apiVersion: 'rbac.authorization.k8s.io/v1',
              kind: 'RoleBinding',
              metadata: { name: 'fixed' },
              roleRef: {
                apiGroup: 'rbac.authorization.k8s.io',
                kind: 'ClusterRole',
                name: 'view',
              },
              subjects: [],
            },
          },
        );
        expect(created.status).toBe(201);
        const res = await t.raw.request('PATCH', path, {
          body: { roleRef: { name: 'edit' } },
          contentType: 'application/merge-patch+json',
        });
        expectStatus(res, 422, 'Invalid', {
          name: 'fixed',
          kind: 'RoleBinding',
        });
        expect(res.json.details.causes).toContainEqual(
          expect.objectContaining({ field: 'roleRef' }),
        );
      },
    );

    behaviour(
      'RuntimeClass (cluster-scoped): create, read, delete',
      async t => {
        const name = uniqueName('kc-rc');
        const path = paths.group(
          'node.k8s.io/v1',
          undefined,
          'runtimeclasses',
          name,
        );
        t.cleanup(path);
        const created = await t.objects.create({
          apiVersion: 'node.k8s.io/v1',
          kind: 'RuntimeClass',
          metadata: { name },
          handler: 'kata',
          overhead: { podFixed: { cpu: '250m', memory: '160Mi' } },
        } as any);
        expect(created.metadata?.name).toBe(name);
        const got = await t.raw.get(path);
        expect(got.json).toMatchObject({
          kind: 'RuntimeClass',
          handler: 'kata',
          overhead: { podFixed: { cpu: '250m', memory: '160Mi' } },
        });
        expect(got.json.metadata.namespace).toBeUndefined();
        expect((await t.raw.request('DELETE', path)).status).toBe(200);
        expect((await t.raw.get(path)).status).toBe(404);
      },
    );

    behaviour(
      'creating an object in a namespace that does not exist is 404 NotFound for the namespace',
      async t => {
        const res = await t.raw.request(
          'POST',
          paths.core('kc-no-such-namespace', 'configmaps'),
          {
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'x' },
            },
          },
        );
        expectStatus(res, 404, 'NotFound', {
          name: 'kc-no-such-namespace',
          kind: 'namespaces',
        });
      },
    );

    behaviour(
      'Namespace: labels can be merge-patched and read back',
      async t => {
        const ns = await t.newNamespace({ keep: 'y' });
        const patched = await t.core.patchNamespace(
          {
            name: ns,
            body: {
              metadata: { labels: { 'kars.azure.com/production': 'true' } },
            },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        expect(patched.metadata?.labels).toEqual({
          keep: 'y',
          'kars.azure.com/production': 'true',
          'kubernetes.io/metadata.name': ns,
        });
        const list = await t.core.listNamespace({
          labelSelector: `kubernetes.io/metadata.name=${ns}`,
        });
        expect(list.items.map(i => i.metadata?.name)).toEqual([ns]);
      },
    );

    behaviour(
      'KarsSandbox and InferencePolicy through client-node CustomObjectsApi: create, get, list, replace, merge and JSON patch, delete',
      async t => {
        const crd = {
          group: KARS_GROUP,
          version: KARS_VERSION,
          namespace: t.ns,
        };
        const created: any = await t.custom.createNamespacedCustomObject({
          ...crd,
          plural: 'karssandboxes',
          body: karsSandbox('crud', t.ns, { model: 'gpt-4o' }),
        });
        expect(created.metadata.uid).toMatch(UID);
        expect(created.spec.sandbox).toEqual({ isolation: 'enhanced' });
        const got: any = await t.custom.getNamespacedCustomObject({
          ...crd,
          plural: 'karssandboxes',
          name: 'crud',
        });
        expect(got.spec.model).toBe('gpt-4o');
        const list: any = await t.custom.listNamespacedCustomObject({
          ...crd,
          plural: 'karssandboxes',
        });
        expect(list.items.map((i: any) => i.metadata.name)).toEqual(['crud']);
        const replaced: any = await t.custom.replaceNamespacedCustomObject({
          ...crd,
          plural: 'karssandboxes',
          name: 'crud',
          body: { ...got, spec: { ...got.spec, suspended: true } },
        });
        expect(replaced.spec.suspended).toBe(true);
        const merged: any = await t.custom.patchNamespacedCustomObject(
          {
            ...crd,
            plural: 'karssandboxes',
            name: 'crud',
            body: { spec: { sandbox: { isolation: 'confidential' } } },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        expect(merged.spec.sandbox.isolation).toBe('confidential');
        const jsonPatched: any = await t.custom.patchNamespacedCustomObject(
          {
            ...crd,
            plural: 'karssandboxes',
            name: 'crud',
            body: [
              { op: 'replace', path: '/spec/model', value: 'gpt-4.1' },
              { op: 'add', path: '/spec/channels/-', value: { type: 'slack' } },
            ],
          },
          setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
        );
        expect(jsonPatched.spec.model).toBe('gpt-4.1');
        expect(jsonPatched.spec.channels).toEqual([{ type: 'slack' }]);
        await t.custom.deleteNamespacedCustomObject({
          ...crd,
          plural: 'karssandboxes',
          name: 'crud',
        });
        expect(
          (await t.raw.get(paths.kars(t.ns, 'karssandboxes', 'crud'))).status,
        ).toBe(404);

        const ip: any = await t.custom.createNamespacedCustomObject({
          ...crd,
          plural: 'inferencepolicies',
          body: inferencePolicy('crud', t.ns, {
            tokenBudget: { dailyTokens: 10 },
          }),
        });
        expect(ip.spec.tokenBudget).toEqual({
          perRequestTokens: 0,
          dailyTokens: 10,
          monthlyTokens: 0,
        });
        await t.custom.deleteNamespacedCustomObject({
          ...crd,
          plural: 'inferencepolicies',
          name: 'crud',
        });
        expect(
          (await t.raw.get(paths.kars(t.ns, 'inferencepolicies', 'crud')))
            .status,
        ).toBe(404);
      },
    );
  },
  { crds: true },
);
