import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { behaviour, describeContract, TargetContext } from './lib/contract';
import { eventually, expectStatus, paths } from './lib/fixtures';

const KUBECTL = process.env.KARS_KUBECTL ?? '/usr/bin/kubectl';

async function kubectl(t: TargetContext, args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-kubeconfig-'));
  const file = path.join(dir, 'config');
  fs.writeFileSync(file, t.kc.exportConfig(), { mode: 0o600 });
  try {
    return await promisify(execFile)(KUBECTL, ['--kubeconfig', file, ...args], {
      timeout: 30_000,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function deployment(t: TargetContext, name: string, replicas = 2) {
  const res = await t.raw.request(
    'POST',
    paths.group('apps/v1', t.ns, 'deployments'),
    {
      query: { fieldManager: 'creator' },
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name },
        spec: {
          replicas,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'c', image: 'busybox' }] },
          },
        },
      },
    },
  );
  expect(res.status).toBe(201);
  return res.json;
}

const scalePath = (t: TargetContext, name: string) =>
  paths.group('apps/v1', t.ns, 'deployments', `${name}/scale`);

const GROUP = 'scale.contract.kars.dev';

/** A cluster-scoped CRD whose v1 declares the scale subresource. */
const scalableCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `pools.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: {
      plural: 'pools',
      singular: 'pool',
      kind: 'Pool',
      listKind: 'PoolList',
    },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: {
          status: {},
          scale: {
            specReplicasPath: '.spec.size',
            statusReplicasPath: '.status.ready',
            labelSelectorPath: '.status.selector',
          },
        },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { size: { type: 'integer' } },
              },
              status: {
                type: 'object',
                properties: {
                  ready: { type: 'integer' },
                  selector: { type: 'string' },
                },
              },
            },
          },
        },
      },
    ],
  },
};

describeContract('The scale subresource', () => {
  behaviour(
    'GET deployments/<name>/scale is an autoscaling/v1 Scale: spec.replicas, status.replicas and the selector as a string',
    async t => {
      const d = await deployment(t, 'sc-get');
      const res = await t.raw.get(scalePath(t, 'sc-get'));
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: {
          name: 'sc-get',
          namespace: t.ns,
          uid: d.metadata.uid,
          resourceVersion: d.metadata.resourceVersion,
          creationTimestamp: d.metadata.creationTimestamp,
        },
        spec: { replicas: 2 },
        status: { replicas: 0, selector: 'app=sc-get' },
      });
      const missing = await t.raw.get(scalePath(t, 'sc-missing'));
      expectStatus(missing, 404, 'NotFound', {
        name: 'sc-missing',
        group: 'apps',
        kind: 'deployments',
      });
    },
  );

  behaviour(
    'a merge patch of the Scale sets the Deployment’s replicas (generation 2); its manager owns spec.replicas with subresource "scale" and no time, taken from the creator',
    async t => {
      await deployment(t, 'sc-patch');
      const res = await t.raw.request('PATCH', scalePath(t, 'sc-patch'), {
        query: { fieldManager: 'scaler' },
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 3 } },
      });
      expect(res.status).toBe(200);
      expect(res.json.spec).toEqual({ replicas: 3 });
      const live = (
        await t.raw.get(paths.group('apps/v1', t.ns, 'deployments', 'sc-patch'))
      ).json;
      expect(live.spec.replicas).toBe(3);
      expect(live.metadata.generation).toBe(2);
      expect(res.json.metadata.resourceVersion).toBe(
        live.metadata.resourceVersion,
      );
      const scaler = live.metadata.managedFields.find(
        (m: any) => m.manager === 'scaler',
      );
      expect(scaler).toEqual({
        manager: 'scaler',
        operation: 'Update',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        subresource: 'scale',
      });
      const creator = live.metadata.managedFields.find(
        (m: any) => m.manager === 'creator',
      );
      expect(creator.fieldsV1['f:spec']['f:replicas']).toBeUndefined();
      const same = await t.raw.request('PATCH', scalePath(t, 'sc-patch'), {
        query: { fieldManager: 'scaler' },
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 3 } },
      });
      expect(same.json.metadata.resourceVersion).toBe(
        live.metadata.resourceVersion,
      );
    },
  );

  behaviour(
    'server-side apply of a Scale conflicts with the replicas’ owner (told in autoscaling/v1); forced, its manager owns them with operation Apply and subresource "scale"',
    async t => {
      await deployment(t, 'sc-apply');
      const scale = {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'sc-apply' },
        spec: { replicas: 6 },
      };
      const conflict = await t.raw.apply(
        scalePath(t, 'sc-apply'),
        scale,
        'hpa',
      );
      expectStatus(conflict, 409, 'Conflict', {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "creator" using autoscaling/v1',
            field: '.spec.replicas',
          },
        ],
      });
      expect(conflict.json.message).toBe(
        'Apply failed with 1 conflict: conflict with "creator" using autoscaling/v1: .spec.replicas',
      );
      const forced = await t.raw.apply(
        scalePath(t, 'sc-apply'),
        scale,
        'hpa',
        true,
      );
      expect(forced.status).toBe(200);
      expect(forced.json.spec).toEqual({ replicas: 6 });
      const live = (
        await t.raw.get(paths.group('apps/v1', t.ns, 'deployments', 'sc-apply'))
      ).json;
      expect(live.spec.replicas).toBe(6);
      expect(
        live.metadata.managedFields.find((m: any) => m.manager === 'hpa'),
      ).toEqual({
        manager: 'hpa',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        subresource: 'scale',
      });
    },
  );

  behaviour(
    'PUT of a Scale with a stale resourceVersion is 409 on the parent; negative replicas are 422 on the Scale',
    async t => {
      await deployment(t, 'sc-put');
      const current = (await t.raw.get(scalePath(t, 'sc-put'))).json;
      const ok = await t.raw.request('PUT', scalePath(t, 'sc-put'), {
        body: { ...current, spec: { replicas: 5 } },
      });
      expect(ok.status).toBe(200);
      expect(ok.json.spec.replicas).toBe(5);
      const stale = await t.raw.request('PUT', scalePath(t, 'sc-put'), {
        body: { ...current, spec: { replicas: 1 } },
      });
      expectStatus(stale, 409, 'Conflict', {
        name: 'sc-put',
        group: 'apps',
        kind: 'deployments',
      });
      const negative = await t.raw.request('PATCH', scalePath(t, 'sc-put'), {
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: -1 } },
      });
      expectStatus(negative, 422, 'Invalid', {
        name: 'sc-put',
        group: 'autoscaling',
        kind: 'Scale',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: -1: must be greater than or equal to 0',
            field: 'spec.replicas',
          },
        ],
      });
    },
  );

  behaviour(
    'replicasets/<name>/scale works the same way; zero replicas are left out of the Scale spec (omitempty)',
    async t => {
      const res = await t.raw.request(
        'POST',
        paths.group('apps/v1', t.ns, 'replicasets'),
        {
          body: {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            metadata: { name: 'sc-rs' },
            spec: {
              selector: {
                matchLabels: { app: 'sc-rs' },
                matchExpressions: [
                  { key: 'tier', operator: 'In', values: ['web', 'api'] },
                ],
              },
              template: {
                metadata: { labels: { app: 'sc-rs', tier: 'web' } },
                spec: { containers: [{ name: 'c', image: 'busybox' }] },
              },
            },
          },
        },
      );
      expect(res.status).toBe(201);
      const rsScale = paths.group(
        'apps/v1',
        t.ns,
        'replicasets',
        'sc-rs/scale',
      );
      const scaled = await t.raw.request('PATCH', rsScale, {
        contentType: 'application/json-patch+json',
        body: [{ op: 'replace', path: '/spec/replicas', value: 0 }],
      });
      expect(scaled.status).toBe(200);
      expect(scaled.json.spec).toEqual({});
      expect(scaled.json.status).toEqual({
        replicas: 0,
        selector: 'app=sc-rs,tier in (api,web)',
      });
    },
  );

  behaviour(
    'a custom resource whose CRD declares scale: the Scale reads and writes the declared paths',
    async t => {
      t.cleanup(
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${scalableCrd.metadata.name}`,
      );
      const crd = await t.raw.apply(
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${scalableCrd.metadata.name}`,
        scalableCrd,
        'kars-contract',
        true,
      );
      expect([200, 201]).toContain(crd.status);
      const pools = `/apis/${GROUP}/v1/namespaces/${t.ns}/pools`;
      await eventually(async () => {
        const list = await t.raw.get(pools);
        if (list.status !== 200) throw new Error(`pools: ${list.status}`);
      });
      const created = await t.raw.request('POST', pools, {
        body: {
          apiVersion: `${GROUP}/v1`,
          kind: 'Pool',
          metadata: { name: 'p' },
          spec: { size: 1 },
        },
      });
      expect(created.status).toBe(201);
      const status = await t.raw.request('PATCH', `${pools}/p/status`, {
        contentType: 'application/merge-patch+json',
        body: { status: { ready: 1, selector: 'pool=p' } },
      });
      expect(status.status).toBe(200);
      const scale = await t.raw.get(`${pools}/p/scale`);
      expect(scale.json).toMatchObject({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        spec: { replicas: 1 },
        status: { replicas: 1, selector: 'pool=p' },
      });
      const res = await t.raw.request('PATCH', `${pools}/p/scale`, {
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 4 } },
      });
      expect(res.status).toBe(200);
      expect((await t.raw.get(`${pools}/p`)).json.spec).toEqual({ size: 4 });
      const names = (await t.raw.get(`/apis/${GROUP}/v1`)).json.resources.map(
        (r: any) => [r.name, r.kind],
      );
      expect(names).toEqual([
        ['pools', 'Pool'],
        ['pools/status', 'Pool'],
        ['pools/scale', 'Scale'],
      ]);
    },
  );

  behaviour(
    'kubectl scale deployment sets the replicas through the scale subresource',
    async t => {
      await deployment(t, 'sc-kubectl', 1);
      const { stdout } = await kubectl(t, [
        'scale',
        '-n',
        t.ns,
        'deployment/sc-kubectl',
        '--replicas=4',
      ]);
      expect(stdout.trim()).toBe('deployment.apps/sc-kubectl scaled');
      const live = await t.raw.get(
        paths.group('apps/v1', t.ns, 'deployments', 'sc-kubectl'),
      );
      expect(live.json.spec.replicas).toBe(4);
    },
  );
});
