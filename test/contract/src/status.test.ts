import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { behaviour, describeContract, TargetContext } from './lib/contract';
import {
  expectStatus,
  KARS_GROUP,
  KARS_VERSION,
  karsSandbox,
  paths,
} from './lib/fixtures';

const deploymentBody = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'c', image: 'agent:1' }] },
    },
  },
});

async function createSandbox(t: TargetContext, name: string) {
  const res = await t.raw.request('POST', paths.kars(t.ns, 'karssandboxes'), {
    body: karsSandbox(name, t.ns, { model: 'gpt-4o' }),
  });
  expect(res.status).toBe(201);
  return res.json;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describeContract(
  'Generation and the status subresource',
  () => {
    behaviour(
      'Deployment: generation starts at 1; a label change keeps it, a spec change or an annotation change bumps it',
      async t => {
        const path = paths.group('apps/v1', t.ns, 'deployments', 'gen');
        const patch = (body: unknown) =>
          t.raw.request('PATCH', path, {
            body,
            contentType: 'application/merge-patch+json',
          });
        const created = await t.raw.request(
          'POST',
          paths.group('apps/v1', t.ns, 'deployments'),
          {
            body: deploymentBody('gen'),
          },
        );
        expect(created.json.metadata.generation).toBe(1);
        const labelled = await patch({ metadata: { labels: { x: 'y' } } });
        expect(labelled.json.metadata.generation).toBe(1);
        expect(labelled.json.metadata.resourceVersion).not.toBe(
          created.json.metadata.resourceVersion,
        );
        // Deployments copy their annotations to ReplicaSets, so annotations count as a change.
        const annotated = await patch({
          metadata: { annotations: { note: 'n' } },
        });
        expect(annotated.json.metadata.generation).toBe(2);
        const spec = await patch({ spec: { replicas: 3 } });
        expect(spec.json.metadata.generation).toBe(3);
        const template = await patch({
          spec: {
            template: { metadata: { annotations: { restartedAt: 'now' } } },
          },
        });
        expect(template.json.metadata.generation).toBe(4);
        const same = await patch({ spec: { replicas: 3 } });
        expect(same.json.metadata.generation).toBe(4);
        expect(same.json.metadata.resourceVersion).toBe(
          template.json.metadata.resourceVersion,
        );
      },
    );

    behaviour(
      'Deployment /status: a write there changes only status (not generation, not spec); status sent to the main endpoint is ignored',
      async t => {
        const base = paths.group('apps/v1', t.ns, 'deployments', 'stat');
        await t.raw.request(
          'POST',
          paths.group('apps/v1', t.ns, 'deployments'),
          { body: deploymentBody('stat') },
        );
        const viaStatus = await t.raw.request('PATCH', `${base}/status`, {
          body: {
            spec: { replicas: 9 },
            status: {
              replicas: 1,
              readyReplicas: 1,
              availableReplicas: 1,
              observedGeneration: 1,
            },
          },
          contentType: 'application/merge-patch+json',
        });
        expect(viaStatus.status).toBe(200);
        expect(viaStatus.json.status).toMatchObject({
          replicas: 1,
          readyReplicas: 1,
          availableReplicas: 1,
          observedGeneration: 1,
        });
        expect(viaStatus.json.spec.replicas).toBe(1);
        expect(viaStatus.json.metadata.generation).toBe(1);
        const viaMain = await t.raw.request('PATCH', base, {
          body: { status: { readyReplicas: 0 } },
          contentType: 'application/merge-patch+json',
        });
        expect(viaMain.status).toBe(200);
        expect(viaMain.json.status.readyReplicas).toBe(1);
        const typed = await t.apps.readNamespacedDeploymentStatus({
          namespace: t.ns,
          name: 'stat',
        });
        expect(typed.status?.availableReplicas).toBe(1);
      },
    );

    behaviour(
      'Deployment and Pod /status: annotations sent along are kept without a generation bump (the Deployment controller writes deployment.kubernetes.io/revision there); a Deployment keeps its labels, a Pod takes them',
      async t => {
        const base = paths.group('apps/v1', t.ns, 'deployments', 'statmeta');
        await t.raw.request(
          'POST',
          paths.group('apps/v1', t.ns, 'deployments'),
          { body: deploymentBody('statmeta') },
        );
        const deployment = await t.raw.request('PATCH', `${base}/status`, {
          body: {
            metadata: {
              labels: { extra: 'x' },
              annotations: { 'deployment.kubernetes.io/revision': '1' },
            },
            status: { observedGeneration: 1 },
          },
          contentType: 'application/merge-patch+json',
        });
        expect(deployment.status).toBe(200);
        expect(deployment.json.metadata).toMatchObject({
          generation: 1,
          annotations: { 'deployment.kubernetes.io/revision': '1' },
        });
        expect(deployment.json.metadata.labels).toBeUndefined();
        await t.raw.request('POST', paths.core(t.ns, 'pods'), {
          body: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'statmeta' },
            spec: { containers: [{ name: 'c', image: 'agent:1' }] },
          },
        });
        const pod = await t.raw.request(
          'PATCH',
          `${paths.core(t.ns, 'pods', 'statmeta')}/status`,
          {
            body: {
              metadata: { labels: { seen: 'yes' }, annotations: { a: 'b' } },
              status: { phase: 'Pending' },
            },
            contentType: 'application/merge-patch+json',
          },
        );
        expect(pod.status).toBe(200);
        expect(pod.json.metadata).toMatchObject({
          generation: 1,
          labels: { seen: 'yes' },
          annotations: { a: 'b' },
        });
      },
    );

    behaviour(
      'custom resource: generation bumps on spec change only, not on label, annotation or status changes',
      async t => {
        const created = await createSandbox(t, 'gen-cr');
        expect(created.metadata.generation).toBe(1);
        const path = paths.kars(t.ns, 'karssandboxes', 'gen-cr');
        const meta = await t.raw.request('PATCH', path, {
          body: {
            metadata: {
              labels: { team: 'a' },
              annotations: { 'kars.azure.com/hash': 'abc' },
            },
          },
          contentType: 'application/merge-patch+json',
        });
        expect(meta.json.metadata.generation).toBe(1);
        const status = await t.raw.request('PATCH', `${path}/status`, {
          body: { status: { phase: 'Running', conditions: [] } },
          contentType: 'application/merge-patch+json',
        });
        expect(status.json.metadata.generation).toBe(1);
        const spec = await t.raw.request('PATCH', path, {
          body: { spec: { model: 'gpt-4.1' } },
          contentType: 'application/merge-patch+json',
        });
        expect(spec.json.metadata.generation).toBe(2);
      },
    );

    behaviour(
      'custom resource /status: PUT and merge patch there change only status; status in a main-endpoint write is dropped',
      async t => {
        const created = await createSandbox(t, 'stat-cr');
        const path = paths.kars(t.ns, 'karssandboxes', 'stat-cr');
        const put = await t.raw.request('PUT', `${path}/status`, {
          body: {
            ...created,
            spec: { ...created.spec, model: 'changed-via-status' },
            status: {
              phase: 'Creating',
              observedGeneration: 1,
              conditions: [],
            },
          },
        });
        expect(put.status).toBe(200);
        expect(put.json.spec.model).toBe('gpt-4o');
        expect(put.json.status).toEqual({
          phase: 'Creating',
          observedGeneration: 1,
          conditions: [],
        });
        const main = await t.raw.request('PUT', path, {
          body: { ...put.json, status: { phase: 'Failed', conditions: [] } },
        });
        expect(main.status).toBe(200);
        expect(main.json.status.phase).toBe('Creating');
        const viaClient = await t.custom.patchNamespacedCustomObjectStatus(
          {
            group: KARS_GROUP,
            version: KARS_VERSION,
            namespace: t.ns,
            plural: 'karssandboxes',
            name: 'stat-cr',
            body: { status: { phase: 'Running' } },
          },
          mergePatch,
        );
        expect((viaClient as any).status.phase).toBe('Running');
        expect((viaClient as any).spec.model).toBe('gpt-4o');
      },
    );

    behaviour(
      'a status write with a stale resourceVersion is 409 Conflict',
      async t => {
        const created = await createSandbox(t, 'stale-status');
        const path = paths.kars(t.ns, 'karssandboxes', 'stale-status');
        const first = await t.raw.request('PUT', `${path}/status`, {
          body: { ...created, status: { phase: 'Creating', conditions: [] } },
        });
        expect(first.status).toBe(200);
        const second = await t.raw.request('PUT', `${path}/status`, {
          body: { ...created, status: { phase: 'Failed', conditions: [] } },
        });
        expectStatus(second, 409, 'Conflict', {
          name: 'stale-status',
          group: KARS_GROUP,
          kind: 'karssandboxes',
        });
      },
    );

    behaviour(
      'server-side apply to /status under its own manager sets conditions (a list keyed by type) without touching spec',
      async t => {
        await createSandbox(t, 'apply-status');
        const path = `${paths.kars(
          t.ns,
          'karssandboxes',
          'apply-status',
        )}/status`;
        const condition = (type: string, status: string) => ({
          type,
          status,
          reason: 'Test',
          message: '',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        });
        const body = (conditions: unknown[]) => ({
          apiVersion: `${KARS_GROUP}/${KARS_VERSION}`,
          kind: 'KarsSandbox',
          metadata: { name: 'apply-status', namespace: t.ns },
          status: { phase: 'Running', observedGeneration: 1, conditions },
        });
        const res = await t.raw.apply(
          path,
          body([condition('Ready', 'True'), condition('Degraded', 'False')]),
          'kars-status',
        );
        expect(res.status).toBe(200);
        expect(res.json.status.conditions.map((c: any) => c.type)).toEqual([
          'Ready',
          'Degraded',
        ]);
        expect(res.json.spec.model).toBe('gpt-4o');
        const entry = res.json.metadata.managedFields.find(
          (m: any) => m.manager === 'kars-status',
        );
        expect(entry).toMatchObject({
          operation: 'Apply',
          subresource: 'status',
        });
        const next = await t.raw.apply(
          path,
          body([condition('Ready', 'False')]),
          'kars-status',
        );
        expect(next.json.status.conditions).toEqual([
          condition('Ready', 'False'),
        ]);
      },
    );
  },
  { crds: true },
);
