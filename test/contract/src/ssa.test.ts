import { KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import { behaviour, describeContract, TargetContext } from './lib/contract';
import {
  expectStatus,
  KARS_API,
  karsSandbox,
  paths,
  RFC3339_SECONDS,
} from './lib/fixtures';

const cm = (
  name: string,
  rest: Record<string, unknown>,
  labels?: Record<string, string>,
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  ...rest,
});

function entry(obj: any, manager: string, subresource?: string) {
  return obj.metadata.managedFields?.find(
    (m: any) => m.manager === manager && m.subresource === subresource,
  );
}

async function applyCm(
  t: TargetContext,
  name: string,
  manager: string,
  body: unknown,
  force?: boolean,
) {
  return t.raw.apply(
    paths.core(t.ns, 'configmaps', name),
    body,
    manager,
    force,
  );
}

describeContract(
  'Server-side apply',
  () => {
    behaviour(
      'apply creates the object (201) and records the manager, operation Apply and the fields it set in managedFields',
      async t => {
        const res = await applyCm(
          t,
          'ssa-create',
          'kars',
          cm('ssa-create', { data: { k: 'v', j: 'w' } }, { a: '1' }),
        );
        expect(res.status).toBe(201);
        expect(res.json.data).toEqual({ k: 'v', j: 'w' });
        expect(res.json.metadata.managedFields).toEqual([
          {
            manager: 'kars',
            operation: 'Apply',
            apiVersion: 'v1',
            time: expect.stringMatching(RFC3339_SECONDS),
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:data': { 'f:j': {}, 'f:k': {} },
              'f:metadata': { 'f:labels': { 'f:a': {} } },
            },
          },
        ]);
      },
    );

    behaviour(
      'managedFields a client sends with an update replace the recorded ones, and are stored in the server’s own encoding (keys sorted)',
      async t => {
        const created = await t.raw.request(
          'POST',
          paths.core(t.ns, 'configmaps'),
          { body: cm('ssa-sent', { data: { b: '1', a: '1' } }) },
        );
        expect(created.status).toBe(201);
        const sent = [
          {
            manager: 'custom',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2026-01-01T00:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:b': {}, 'f:a': {} } },
          },
        ];
        const updated = await t.raw.request(
          'PUT',
          paths.core(t.ns, 'configmaps', 'ssa-sent'),
          {
            body: {
              ...created.json,
              metadata: { ...created.json.metadata, managedFields: sent },
            },
          },
        );
        expect(updated.status).toBe(200);
        const stored = (
          await t.raw.get(paths.core(t.ns, 'configmaps', 'ssa-sent'))
        ).json.metadata.managedFields;
        expect(stored).toEqual(sent);
        expect(JSON.stringify(stored[0].fieldsV1)).toBe(
          '{"f:data":{"f:a":{},"f:b":{}}}',
        );
      },
    );

    behaviour(
      're-applying the identical configuration changes nothing: same resourceVersion, 200',
      async t => {
        const body = cm('ssa-same', { data: { k: 'v' } }, { a: '1' });
        const first = await applyCm(t, 'ssa-same', 'kars', body);
        const second = await applyCm(t, 'ssa-same', 'kars', body);
        expect(second.status).toBe(200);
        expect(second.json.metadata.resourceVersion).toBe(
          first.json.metadata.resourceVersion,
        );
        expect(second.json.metadata.managedFields).toEqual(
          first.json.metadata.managedFields,
        );
      },
    );

    behaviour(
      'another manager applying a different value to an owned field is refused: 409 Conflict listing each conflicting field',
      async t => {
        await applyCm(
          t,
          'ssa-conflict',
          'kars',
          cm('ssa-conflict', { data: { k: 'v', j: 'w', free: 'x' } }),
        );
        const res = await applyCm(
          t,
          'ssa-conflict',
          'intruder',
          cm('ssa-conflict', { data: { k: 'other', j: 'other' } }),
        );
        expectStatus(res, 409, 'Conflict');
        expect(res.json.details.causes).toEqual([
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kars"',
            field: '.data.j',
          },
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kars"',
            field: '.data.k',
          },
        ]);
        expect(res.json.message).toContain('conflicts with "kars"');
        const now = await t.raw.get(
          paths.core(t.ns, 'configmaps', 'ssa-conflict'),
        );
        expect(now.json.data).toEqual({ k: 'v', j: 'w', free: 'x' });
      },
    );

    behaviour(
      'applying the same value as the owner is no conflict: both managers then own the field',
      async t => {
        await applyCm(
          t,
          'ssa-share',
          'kars',
          cm('ssa-share', { data: { k: 'v' } }),
        );
        const res = await applyCm(
          t,
          'ssa-share',
          'other',
          cm('ssa-share', { data: { k: 'v' } }),
        );
        expect(res.status).toBe(200);
        expect(entry(res.json, 'kars').fieldsV1).toEqual({
          'f:data': { 'f:k': {} },
        });
        expect(entry(res.json, 'other').fieldsV1).toEqual({
          'f:data': { 'f:k': {} },
        });
      },
    );

    behaviour(
      'force=true takes ownership of the conflicting fields from the previous manager',
      async t => {
        await applyCm(
          t,
          'ssa-force',
          'kars',
          cm('ssa-force', { data: { k: 'v', j: 'w' } }),
        );
        const res = await applyCm(
          t,
          'ssa-force',
          'admin',
          cm('ssa-force', { data: { k: 'forced' } }),
          true,
        );
        expect(res.status).toBe(200);
        expect(res.json.data).toEqual({ k: 'forced', j: 'w' });
        expect(entry(res.json, 'admin').fieldsV1).toEqual({
          'f:data': { 'f:k': {} },
        });
        expect(entry(res.json, 'kars').fieldsV1).toEqual({
          'f:data': { 'f:j': {} },
        });
      },
    );

    behaviour(
      'a field left out of the next apply is removed when only that manager owned it; fields of other managers stay (maps merge per key)',
      async t => {
        await applyCm(
          t,
          'ssa-remove',
          'kars',
          cm('ssa-remove', { data: { k: 'v', gone: 'x' } }, { mine: '1' }),
        );
        await applyCm(
          t,
          'ssa-remove',
          'user',
          cm('ssa-remove', {}, { theirs: '1' }),
        );
        const res = await applyCm(
          t,
          'ssa-remove',
          'kars',
          cm('ssa-remove', { data: { k: 'v' } }),
        );
        expect(res.status).toBe(200);
        expect(res.json.data).toEqual({ k: 'v' });
        expect(res.json.metadata.labels).toEqual({ theirs: '1' });
      },
    );

    behaviour('apply without a fieldManager is 422 Invalid', async t => {
      const res = await t.raw.request(
        'PATCH',
        paths.core(t.ns, 'configmaps', 'ssa-nomanager'),
        {
          body: cm('ssa-nomanager', { data: { k: 'v' } }),
          contentType: 'application/apply-patch+yaml',
        },
      );
      expectStatus(res, 422, 'Invalid');
      expect(res.json.details.causes).toContainEqual(
        expect.objectContaining({ field: 'fieldManager' }),
      );
    });

    behaviour(
      'an update (PUT) is recorded as operation Update under its fieldManager',
      async t => {
        const created = await applyCm(
          t,
          'ssa-update',
          'kars',
          cm('ssa-update', { data: { k: 'v' } }),
        );
        const res = await t.raw.request(
          'PUT',
          paths.core(t.ns, 'configmaps', 'ssa-update'),
          {
            query: { fieldManager: 'editor' },
            body: { ...created.json, data: { k: 'v', added: 'y' } },
          },
        );
        expect(res.status).toBe(200);
        expect(entry(res.json, 'editor')).toMatchObject({
          operation: 'Update',
          apiVersion: 'v1',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { 'f:added': {} } },
        });
        expect(entry(res.json, 'kars').fieldsV1).toEqual({
          'f:data': { 'f:k': {} },
        });
      },
    );

    behaviour(
      'lists keyed by name merge per item across managers: another manager’s env var in a container survives the owner’s re-apply',
      async t => {
        const deployment = (
          env: { name: string; value: string }[],
          image?: string,
        ) => ({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'ssa-merge' },
          spec: {
            ...(image ? { selector: { matchLabels: { app: 'a' } } } : {}),
            template: {
              ...(image ? { metadata: { labels: { app: 'a' } } } : {}),
              spec: {
                containers: [
                  { name: 'agent', ...(image ? { image } : {}), env },
                ],
              },
            },
          },
        });
        const path = paths.group('apps/v1', t.ns, 'deployments', 'ssa-merge');
        const owner = deployment([{ name: 'A', value: '1' }], 'agent:1');
        expect((await t.raw.apply(path, owner, 'kars')).status).toBe(201);
        expect(
          (
            await t.raw.apply(
              path,
              deployment([{ name: 'B', value: '2' }]),
              'debugger',
            )
          ).status,
        ).toBe(200);
        const res = await t.raw.apply(path, owner, 'kars');
        expect(res.status).toBe(200);
        expect(res.json.spec.template.spec.containers).toHaveLength(1);
        expect(res.json.spec.template.spec.containers[0].env).toEqual([
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ]);
        expect(res.json.spec.template.spec.containers[0].image).toBe('agent:1');
      },
    );

    behaviour(
      'client-node KubernetesObjectApi.patch with PatchStrategy.ServerSideApply creates and updates under one field manager',
      async t => {
        const desired: KubernetesObject & { data: Record<string, string> } = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'ssa-client',
            namespace: t.ns,
            labels: { 'app.kubernetes.io/managed-by': 'kars' },
          },
          data: { k: 'v' },
        };
        const created = await t.objects.patch(
          desired,
          undefined,
          undefined,
          'kars-reconciler',
          true,
          PatchStrategy.ServerSideApply,
        );
        expect((created as any).data).toEqual({ k: 'v' });
        const updated = await t.objects.patch(
          { ...desired, data: { k: 'v2' } },
          undefined,
          undefined,
          'kars-reconciler',
          true,
          PatchStrategy.ServerSideApply,
        );
        expect((updated as any).data).toEqual({ k: 'v2' });
        const raw = await t.raw.get(
          paths.core(t.ns, 'configmaps', 'ssa-client'),
        );
        expect(
          raw.json.metadata.managedFields.map((m: any) => [
            m.manager,
            m.operation,
          ]),
        ).toEqual([['kars-reconciler', 'Apply']]);
      },
    );

    behaviour(
      'apply of a custom resource: schema defaults are filled in but owned by nobody; the applier owns only what it sent',
      async t => {
        const path = paths.kars(t.ns, 'karssandboxes', 'ssa-cr');
        const res = await t.raw.apply(
          path,
          karsSandbox('ssa-cr', t.ns, { model: 'gpt-4o' }),
          'kars',
        );
        expect(res.status).toBe(201);
        expect(res.json.spec.sandbox).toEqual({ isolation: 'enhanced' });
        expect(res.json.metadata.managedFields).toEqual([
          expect.objectContaining({
            manager: 'kars',
            operation: 'Apply',
            apiVersion: KARS_API,
            fieldsV1: {
              'f:spec': { 'f:inferenceRef': { 'f:name': {} }, 'f:model': {} },
            },
          }),
        ]);
        const again = await t.raw.apply(
          path,
          karsSandbox('ssa-cr', t.ns, { model: 'gpt-4o' }),
          'kars',
        );
        expect(again.json.metadata.resourceVersion).toBe(
          res.json.metadata.resourceVersion,
        );
      },
    );
  },
  { crds: true },
);
