import { behaviour, describeContract, TargetContext } from './lib/contract';
import { expectStatus, paths, UID } from './lib/fixtures';
import { TABLE_ACCEPT } from './lib/raw';

async function create(t: TargetContext, path: string, body: unknown) {
  const res = await t.raw.request('POST', path, { body });
  expect(res.status).toBe(201);
  return res.json;
}

async function table(t: TargetContext, path: string) {
  const res = await t.raw.get(path, undefined, TABLE_ACCEPT);
  expect(res.status).toBe(200);
  return {
    columns: res.json.columnDefinitions.map((c: any) => [
      c.name,
      c.type,
      c.format,
      c.priority,
    ]),
    rows: res.json.rows.map((r: any) => r.cells),
  };
}

const AGE = expect.stringMatching(/^\d+s$/);

const container = {
  name: 'c',
  image: 'busybox',
  ports: [{ containerPort: 80 }],
};

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ ...container, ...extra }] },
});

describeContract('Workload and cluster kinds', () => {
  behaviour(
    'a Pod is read back with the server’s defaults, Pending and BestEffort; requests default to limits and make it Guaranteed',
    async t => {
      const created = await create(t, paths.core(t.ns, 'pods'), pod('kp'));
      expect(created.metadata.generation).toBe(1);
      expect(created.spec).toEqual({
        containers: [
          {
            name: 'c',
            image: 'busybox',
            imagePullPolicy: 'Always',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
        priority: 0,
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
        tolerations: [
          {
            effect: 'NoExecute',
            key: 'node.kubernetes.io/not-ready',
            operator: 'Exists',
            tolerationSeconds: 300,
          },
          {
            effect: 'NoExecute',
            key: 'node.kubernetes.io/unreachable',
            operator: 'Exists',
            tolerationSeconds: 300,
          },
        ],
      });
      expect(created.status).toEqual({
        phase: 'Pending',
        qosClass: 'BestEffort',
      });
      const guaranteed = await create(
        t,
        paths.core(t.ns, 'pods'),
        pod('kp-guaranteed', {
          image: 'busybox:1.36',
          resources: { limits: { cpu: '500m', memory: '128Mi' } },
        }),
      );
      expect(guaranteed.spec.containers[0].imagePullPolicy).toBe(
        'IfNotPresent',
      );
      expect(guaranteed.spec.containers[0].resources).toEqual({
        limits: { cpu: '500m', memory: '128Mi' },
        requests: { cpu: '500m', memory: '128Mi' },
      });
      expect(guaranteed.status.qosClass).toBe('Guaranteed');
      const burstable = await create(
        t,
        paths.core(t.ns, 'pods'),
        pod('kp-burstable', { resources: { requests: { cpu: '0.5' } } }),
      );
      expect(burstable.spec.containers[0].resources).toEqual({
        requests: { cpu: '500m' },
      });
      expect(burstable.status.qosClass).toBe('Burstable');
    },
  );

  behaviour(
    'pods/status takes the kubelet’s status; kubectl get pods shows it (Ready, Status, Restarts, IP, Node)',
    async t => {
      await create(t, paths.core(t.ns, 'pods'), pod('kp-status'));
      const started = new Date(Date.now() - 60_000).toISOString();
      const status = {
        phase: 'Running',
        podIP: '10.244.0.7',
        podIPs: [{ ip: '10.244.0.7' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            name: 'c',
            ready: false,
            restartCount: 3,
            image: 'busybox',
            imageID: '',
            state: {
              waiting: { reason: 'CrashLoopBackOff', message: 'back-off' },
            },
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: started.replace(/\.\d+Z$/, 'Z'),
                finishedAt: started.replace(/\.\d+Z$/, 'Z'),
              },
            },
          },
        ],
      };
      const res = await t.raw.request(
        'PATCH',
        paths.core(t.ns, 'pods', 'kp-status/status'),
        { contentType: 'application/merge-patch+json', body: { status } },
      );
      expect(res.status).toBe(200);
      expect(res.json.status.phase).toBe('Running');
      expect(res.json.metadata.generation).toBe(1);
      const bound = await t.raw.request(
        'PATCH',
        paths.core(t.ns, 'pods', 'kp-status'),
        {
          contentType: 'application/strategic-merge-patch+json',
          body: { metadata: { labels: { seen: 'yes' } } },
        },
      );
      expect(bound.status).toBe(200);
      const tbl = await table(
        t,
        `${paths.core(t.ns, 'pods')}?fieldSelector=metadata.name=kp-status`,
      );
      expect(tbl.columns).toEqual([
        ['Name', 'string', 'name', 0],
        ['Ready', 'string', '', 0],
        ['Status', 'string', '', 0],
        ['Restarts', 'string', '', 0],
        ['Age', 'string', '', 0],
        ['IP', 'string', '', 1],
        ['Node', 'string', '', 1],
        ['Nominated Node', 'string', '', 1],
        ['Readiness Gates', 'string', '', 1],
      ]);
      expect(tbl.rows).toEqual([
        [
          'kp-status',
          '0/1',
          'CrashLoopBackOff',
          expect.stringMatching(/^3 \((59|60|61)s ago\)$/),
          AGE,
          '10.244.0.7',
          '<none>',
          '<none>',
          '<none>',
        ],
      ]);
    },
  );

  behaviour(
    'pods/log without a kubelet: 204 for a pod on no node, 400 for a missing or unknown container name',
    async t => {
      await create(t, paths.core(t.ns, 'pods'), {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'kp-log' },
        spec: {
          initContainers: [{ name: 'init', image: 'busybox' }],
          containers: [
            { name: 'a', image: 'busybox' },
            { name: 'b', image: 'busybox' },
          ],
        },
      });
      const log = paths.core(t.ns, 'pods', 'kp-log/log');
      const ok = await t.raw.get(log, { container: 'a' });
      expect(ok.status).toBe(204);
      expect(ok.text).toBe('');
      const unnamed = await t.raw.get(log);
      expectStatus(unnamed, 400, 'BadRequest');
      expect(unnamed.json.message).toBe(
        'a container name must be specified for pod kp-log, choose one of: [init a b]',
      );
      const unknown = await t.raw.get(log, { container: 'x' });
      expectStatus(unknown, 400, 'BadRequest');
      expect(unknown.json.message).toBe(
        'container x is not valid for pod kp-log',
      );
      expectStatus(
        await t.raw.get(paths.core(t.ns, 'pods', 'kp-none/log')),
        404,
        'NotFound',
      );
      await create(t, paths.core(t.ns, 'pods'), pod('kp-single'));
      expect(
        (await t.raw.get(paths.core(t.ns, 'pods', 'kp-single/log'))).status,
      ).toBe(204);
    },
  );

  behaviour(
    'a ReplicaSet is defaulted like a Deployment’s template, starts with status.replicas 0, and lists with its wide columns',
    async t => {
      const created = await create(
        t,
        paths.group('apps/v1', t.ns, 'replicasets'),
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: { name: 'krs' },
          spec: {
            selector: { matchLabels: { app: 'krs' } },
            template: {
              metadata: { labels: { app: 'krs' } },
              spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
            },
          },
        },
      );
      expect(created.spec.replicas).toBe(1);
      expect(created.spec.template.spec.restartPolicy).toBe('Always');
      expect(created.status).toEqual({ replicas: 0 });
      const tbl = await table(t, paths.group('apps/v1', t.ns, 'replicasets'));
      expect(tbl.columns).toEqual([
        ['Name', 'string', 'name', 0],
        ['Desired', 'integer', '', 0],
        ['Current', 'integer', '', 0],
        ['Ready', 'integer', '', 0],
        ['Age', 'string', '', 0],
        ['Containers', 'string', '', 1],
        ['Images', 'string', '', 1],
        ['Selector', 'string', '', 1],
      ]);
      expect(tbl.rows).toEqual([
        ['krs', 1, 0, 0, AGE, 'c', 'busybox:1.36', 'app=krs'],
      ]);
    },
  );

  behaviour(
    'a Job gets SetDefaults_Job, a selector on its uid and the job-name and controller-uid labels; without restartPolicy it is 422',
    async t => {
      const job = (name: string, restartPolicy?: string) => ({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name },
        spec: {
          template: {
            spec: {
              ...(restartPolicy ? { restartPolicy } : {}),
              containers: [{ name: 'c', image: 'busybox' }],
            },
          },
        },
      });
      const created = await create(
        t,
        paths.group('batch/v1', t.ns, 'jobs'),
        job('kjob', 'Never'),
      );
      const uid = created.metadata.uid;
      expect(uid).toMatch(UID);
      const labels = {
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': 'kjob',
        'controller-uid': uid,
        'job-name': 'kjob',
      };
      expect(created.metadata.labels).toEqual(labels);
      expect(created.metadata.generation).toBe(1);
      const { template, ...spec } = created.spec;
      expect(spec).toEqual({
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        completions: 1,
        manualSelector: false,
        parallelism: 1,
        podReplacementPolicy: 'TerminatingOrFailed',
        selector: {
          matchLabels: { 'batch.kubernetes.io/controller-uid': uid },
        },
        suspend: false,
      });
      expect(template.metadata.labels).toEqual(labels);
      expect(template.spec.restartPolicy).toBe('Never');
      expect(created.status).toEqual({});
      const bad = await t.raw.request(
        'POST',
        paths.group('batch/v1', t.ns, 'jobs'),
        { body: job('kjob-bad') },
      );
      expectStatus(bad, 422, 'Invalid', {
        name: 'kjob-bad',
        group: 'batch',
        kind: 'Job',
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: valid values: "OnFailure", "Never"',
            field: 'spec.template.spec.restartPolicy',
          },
        ],
      });
      const tbl = await table(t, paths.group('batch/v1', t.ns, 'jobs'));
      expect(tbl.columns.map((c: any) => c[0])).toEqual([
        'Name',
        'Status',
        'Completions',
        'Duration',
        'Age',
        'Containers',
        'Images',
        'Selector',
      ]);
      expect(tbl.rows).toEqual([
        [
          'kjob',
          'Running',
          '0/1',
          '',
          AGE,
          'c',
          'busybox',
          `batch.kubernetes.io/controller-uid=${uid}`,
        ],
      ]);
    },
  );

  behaviour(
    'a ResourceQuota keeps canonical quantities and an empty status; its status shows in the Request and Limit columns',
    async t => {
      const created = await create(t, paths.core(t.ns, 'resourcequotas'), {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'kq' },
        spec: {
          hard: { pods: '2', 'requests.cpu': '1000m', 'limits.memory': '1Gi' },
        },
        status: { hard: { pods: '9' } },
      });
      expect(created.spec.hard).toEqual({
        'limits.memory': '1Gi',
        pods: '2',
        'requests.cpu': '1',
      });
      expect(created.status).toEqual({});
      const res = await t.raw.request(
        'PUT',
        paths.core(t.ns, 'resourcequotas', 'kq/status'),
        {
          body: {
            ...created,
            status: {
              hard: created.spec.hard,
              used: { pods: '1', 'requests.cpu': '250m', 'limits.memory': '0' },
            },
          },
        },
      );
      expect(res.status).toBe(200);
      const tbl = await table(t, paths.core(t.ns, 'resourcequotas'));
      expect(tbl.columns).toEqual([
        ['Name', 'string', 'name', 0],
        ['Request', 'string', '', 0],
        ['Limit', 'string', '', 0],
        ['Age', 'string', '', 0],
      ]);
      expect(tbl.rows).toEqual([
        ['kq', 'pods: 1/2, requests.cpu: 250m/1', 'limits.memory: 0/1Gi', AGE],
      ]);
    },
  );

  behaviour(
    'a LimitRange for containers defaults its default limits from max and its default requests from the limits',
    async t => {
      const created = await create(t, paths.core(t.ns, 'limitranges'), {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'klr' },
        spec: {
          limits: [
            {
              type: 'Container',
              default: { memory: '256Mi' },
              defaultRequest: { cpu: '0.1' },
              max: { cpu: '2', memory: '1Gi' },
            },
            { type: 'Pod', max: { cpu: '4' } },
          ],
        },
      });
      expect(created.spec.limits).toEqual([
        {
          type: 'Container',
          default: { cpu: '2', memory: '256Mi' },
          defaultRequest: { cpu: '100m', memory: '256Mi' },
          max: { cpu: '2', memory: '1Gi' },
        },
        { type: 'Pod', max: { cpu: '4' } },
      ]);
      const tbl = await table(t, paths.core(t.ns, 'limitranges'));
      expect(tbl.columns).toEqual([
        ['Name', 'string', 'name', 0],
        ['Created At', 'date', '', 0],
      ]);
    },
  );

  behaviour(
    'a Node (cluster-scoped) gets the not-ready taint and its always-present status structs; nodes/status makes it Ready with allocatable from capacity',
    async t => {
      const name = `${t.ns}-node`;
      t.cleanup(`/api/v1/nodes/${name}`);
      const created = await create(t, '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels: { 'node-role.kubernetes.io/worker': '', pool: 'kata' },
        },
        spec: {
          taints: [{ key: 'kata', value: 'true', effect: 'NoSchedule' }],
        },
      });
      expect(created.metadata.namespace).toBeUndefined();
      expect(created.spec.taints).toEqual([
        { effect: 'NoSchedule', key: 'kata', value: 'true' },
        { effect: 'NoSchedule', key: 'node.kubernetes.io/not-ready' },
      ]);
      expect(created.status).toEqual({
        daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
        nodeInfo: {
          architecture: '',
          bootID: '',
          containerRuntimeVersion: '',
          kernelVersion: '',
          kubeProxyVersion: '',
          kubeletVersion: '',
          machineID: '',
          operatingSystem: '',
          osImage: '',
          systemUUID: '',
        },
      });
      const res = await t.raw.request('PATCH', `/api/v1/nodes/${name}/status`, {
        contentType: 'application/merge-patch+json',
        body: {
          status: {
            capacity: { cpu: '4', memory: '8192Mi', pods: '110' },
            conditions: [
              { type: 'Ready', status: 'True', reason: 'KubeletReady' },
            ],
            addresses: [{ type: 'InternalIP', address: '10.0.0.5' }],
            nodeInfo: {
              kubeletVersion: 'v1.36.5',
              osImage: 'Ubuntu',
              architecture: 'amd64',
              kernelVersion: '6.8.0',
              containerRuntimeVersion: 'containerd://2.0.0',
            },
          },
        },
      });
      expect(res.status).toBe(200);
      expect(res.json.status.allocatable).toEqual({
        cpu: '4',
        memory: '8Gi',
        pods: '110',
      });
      expect(res.json.status.nodeInfo.bootID).toBe('');
      const tbl = await table(
        t,
        `/api/v1/nodes?fieldSelector=metadata.name=${name}`,
      );
      expect(tbl.columns.map((c: any) => [c[0], c[3]])).toEqual([
        ['Name', 0],
        ['Status', 0],
        ['Roles', 0],
        ['Age', 0],
        ['Version', 0],
        ['Internal-IP', 1],
        ['External-IP', 1],
        ['OS-Image', 1],
        ['Kernel-Version', 1],
        ['Container-Runtime', 1],
      ]);
      expect(tbl.rows).toEqual([
        [
          name,
          'Ready',
          'worker',
          AGE,
          'v1.36.5',
          '10.0.0.5',
          '<none>',
          'Ubuntu',
          '6.8.0 (amd64)',
          'containerd://2.0.0',
        ],
      ]);
    },
  );

  behaviour(
    'events.k8s.io/v1 and core/v1 Events are the same objects: each API reads the other’s with its own field names',
    async t => {
      const v1 = await create(
        t,
        paths.group('events.k8s.io/v1', t.ns, 'events'),
        {
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          metadata: { name: 'kev.1' },
          eventTime: '2026-01-01T00:00:00.000000Z',
          reportingController: 'kars.azure.com/simulator',
          reportingInstance: 'sim-1',
          action: 'Pulling',
          reason: 'Pulling',
          type: 'Normal',
          note: 'pulling image',
          regarding: { kind: 'Pod', name: 'p', namespace: t.ns },
        },
      );
      expect(v1).toMatchObject({
        apiVersion: 'events.k8s.io/v1',
        deprecatedFirstTimestamp: null,
        deprecatedLastTimestamp: null,
        deprecatedSource: {},
        note: 'pulling image',
      });
      const asCore = await t.raw.get(paths.core(t.ns, 'events', 'kev.1'));
      const { metadata, ...core } = asCore.json;
      expect(metadata.uid).toBe(v1.metadata.uid);
      expect(core).toEqual({
        kind: 'Event',
        apiVersion: 'v1',
        action: 'Pulling',
        eventTime: '2026-01-01T00:00:00.000000Z',
        firstTimestamp: null,
        lastTimestamp: null,
        involvedObject: { kind: 'Pod', name: 'p', namespace: t.ns },
        message: 'pulling image',
        reason: 'Pulling',
        reportingComponent: 'kars.azure.com/simulator',
        reportingInstance: 'sim-1',
        source: {},
        type: 'Normal',
      });
      await create(t, paths.core(t.ns, 'events'), {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'kev.2' },
        involvedObject: { kind: 'Pod', name: 'p', namespace: t.ns },
        reason: 'Started',
        message: 'started container',
        type: 'Normal',
        source: { component: 'kubelet', host: 'n1' },
        firstTimestamp: '2026-01-01T00:00:00Z',
        lastTimestamp: '2026-01-01T00:00:01Z',
        count: 2,
      });
      const asV1 = await t.raw.get(
        paths.group('events.k8s.io/v1', t.ns, 'events', 'kev.2'),
      );
      const { metadata: _m, ...events } = asV1.json;
      expect(events).toEqual({
        kind: 'Event',
        apiVersion: 'events.k8s.io/v1',
        eventTime: null,
        reason: 'Started',
        regarding: { kind: 'Pod', name: 'p', namespace: t.ns },
        note: 'started container',
        type: 'Normal',
        deprecatedSource: { component: 'kubelet', host: 'n1' },
        deprecatedFirstTimestamp: '2026-01-01T00:00:00Z',
        deprecatedLastTimestamp: '2026-01-01T00:00:01Z',
        deprecatedCount: 2,
      });
      const list = await t.raw.get(
        paths.group('events.k8s.io/v1', t.ns, 'events'),
      );
      expect(list.json.items.map((e: any) => e.metadata.name)).toEqual([
        'kev.1',
        'kev.2',
      ]);
      for (const path of [
        paths.core(t.ns, 'events'),
        paths.group('events.k8s.io/v1', t.ns, 'events'),
      ]) {
        const tbl = await table(t, path);
        expect(tbl.columns.map((c: any) => [c[0], c[2], c[3]])).toEqual([
          ['Last Seen', '', 0],
          ['Type', '', 0],
          ['Reason', '', 0],
          ['Object', '', 0],
          ['Subobject', '', 1],
          ['Source', '', 1],
          ['Message', '', 0],
          ['First Seen', '', 1],
          ['Count', '', 1],
          ['Name', 'name', 1],
        ]);
        expect(
          tbl.rows.map((r: any[]) => [...r.slice(1, 7), r[8], r[9]]),
        ).toEqual([
          [
            'Normal',
            'Pulling',
            'pod/p',
            '',
            'kars.azure.com/simulator, sim-1',
            'pulling image',
            1,
            'kev.1',
          ],
          [
            'Normal',
            'Started',
            'pod/p',
            '',
            'kubelet, n1',
            'started container',
            2,
            'kev.2',
          ],
        ]);
      }
    },
  );

  behaviour(
    'an Event created through events.k8s.io/v1 needs eventTime, reportingController, reportingInstance, action and a Normal or Warning type (422)',
    async t => {
      const res = await t.raw.request(
        'POST',
        paths.group('events.k8s.io/v1', t.ns, 'events'),
        {
          body: {
            apiVersion: 'events.k8s.io/v1',
            kind: 'Event',
            metadata: { name: 'kev.bad' },
            reason: 'Pulling',
            regarding: { kind: 'Pod', name: 'p', namespace: t.ns },
          },
        },
      );
      expectStatus(res, 422, 'Invalid');
      expect(res.json.details.causes.map((c: any) => c.field)).toEqual([
        'eventTime',
        'type',
      ]);
    },
  );

  behaviour(
    'discovery lists the kinds with their subresources (scale on deployments and replicasets, status where the server has it)',
    async t => {
      const names = async (path: string) =>
        (await t.raw.get(path)).json.resources.map((r: any) => r.name);
      const core = await names('/api/v1');
      for (const r of [
        'events',
        'limitranges',
        'nodes',
        'nodes/status',
        'pods',
        'pods/log',
        'pods/status',
        'resourcequotas',
        'resourcequotas/status',
      ])
        expect(core).toContain(r);
      expect(core).not.toContain('limitranges/status');
      const apps = (await t.raw.get('/apis/apps/v1')).json.resources;
      for (const r of ['deployments/scale', 'replicasets/scale']) {
        expect(apps.find((x: any) => x.name === r)).toEqual({
          name: r,
          singularName: '',
          namespaced: true,
          group: 'autoscaling',
          version: 'v1',
          kind: 'Scale',
          verbs: ['get', 'patch', 'update'],
        });
      }
      expect(await names('/apis/batch/v1')).toEqual(
        expect.arrayContaining(['jobs', 'jobs/status']),
      );
      expect(await names('/apis/events.k8s.io/v1')).toEqual(['events']);
    },
  );
});
