import { behaviour, describeContract, TargetContext } from './lib/contract';
import {
  eventually,
  expectStatus,
  karsSandbox,
  paths,
  RFC3339_SECONDS,
} from './lib/fixtures';

const FINALIZER = 'kars.azure.com/cleanup';

async function createCm(
  t: TargetContext,
  ns: string,
  name: string,
  finalizers?: string[],
) {
  const res = await t.raw.request('POST', paths.core(ns, 'configmaps'), {
    body: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, finalizers },
      data: { k: 'v' },
    },
  });
  expect(res.status).toBe(201);
  return res.json;
}

describeContract(
  'Finalizers, deletion and namespace termination',
  () => {
    behaviour(
      'delete of an object with a finalizer sets deletionTimestamp (grace 0) and keeps it readable until the finalizer is removed',
      async t => {
        await createCm(t, t.ns, 'held', [FINALIZER]);
        const path = paths.core(t.ns, 'configmaps', 'held');
        const del = await t.raw.request('DELETE', path);
        expect(del.status).toBe(200);
        expect(del.json).toMatchObject({
          kind: 'ConfigMap',
          metadata: {
            name: 'held',
            deletionTimestamp: expect.stringMatching(RFC3339_SECONDS),
            deletionGracePeriodSeconds: 0,
            finalizers: [FINALIZER],
          },
        });
        const got = await t.raw.get(path);
        expect(got.status).toBe(200);
        expect(got.json.metadata.deletionTimestamp).toBe(
          del.json.metadata.deletionTimestamp,
        );
        const listed = await t.raw.get(paths.core(t.ns, 'configmaps'), {
          fieldSelector: 'metadata.name=held',
        });
        expect(listed.json.items).toHaveLength(1);
        const released = await t.raw.request('PATCH', path, {
          body: { metadata: { finalizers: null } },
          contentType: 'application/merge-patch+json',
        });
        expect(released.status).toBe(200);
        await eventually(
          async () => expect((await t.raw.get(path)).status).toBe(404),
          { timeoutMs: 10_000 },
        );
      },
    );

    behaviour(
      'a second delete of an object being deleted answers 200 and keeps the first deletionTimestamp',
      async t => {
        await createCm(t, t.ns, 'twice', [FINALIZER]);
        const path = paths.core(t.ns, 'configmaps', 'twice');
        const first = await t.raw.request('DELETE', path);
        await new Promise(r => setTimeout(r, 1100));
        const second = await t.raw.request('DELETE', path);
        expect(second.status).toBe(200);
        expect(second.json.metadata.deletionTimestamp).toBe(
          first.json.metadata.deletionTimestamp,
        );
        await t.raw.request('PATCH', path, {
          body: { metadata: { finalizers: null } },
          contentType: 'application/merge-patch+json',
        });
      },
    );

    behaviour(
      'no finalizer can be added to an object being deleted: 422 Invalid on metadata.finalizers',
      async t => {
        await createCm(t, t.ns, 'no-new', [FINALIZER]);
        const path = paths.core(t.ns, 'configmaps', 'no-new');
        await t.raw.request('DELETE', path);
        const res = await t.raw.request('PATCH', path, {
          body: { metadata: { finalizers: [FINALIZER, 'other.io/x'] } },
          contentType: 'application/merge-patch+json',
        });
        expectStatus(res, 422, 'Invalid', {
          name: 'no-new',
          kind: 'ConfigMap',
        });
        expect(res.json.details.causes).toContainEqual(
          expect.objectContaining({
            reason: 'FieldValueForbidden',
            field: 'metadata.finalizers',
          }),
        );
        await t.raw.request('PATCH', path, {
          body: { metadata: { finalizers: null } },
          contentType: 'application/merge-patch+json',
        });
      },
    );

    behaviour(
      'delete with preconditions: a wrong uid or resourceVersion is 409 Conflict and deletes nothing; matching ones delete',
      async t => {
        const obj = await createCm(t, t.ns, 'precond');
        const path = paths.core(t.ns, 'configmaps', 'precond');
        const del = (preconditions: Record<string, string>) =>
          t.raw.request('DELETE', path, {
            body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions },
          });
        const wrongUid = await del({
          uid: '00000000-0000-0000-0000-000000000000',
        });
        expectStatus(wrongUid, 409, 'Conflict', {
          name: 'precond',
          kind: 'ConfigMap',
        });
        expect(wrongUid.json.message).toMatch(/UID in the precondition/);
        const wrongRv = await del({ resourceVersion: '1' });
        expectStatus(wrongRv, 409, 'Conflict', {
          name: 'precond',
          kind: 'ConfigMap',
        });
        expect(wrongRv.json.message).toMatch(
          /ResourceVersion in the precondition/,
        );
        expect((await t.raw.get(path)).status).toBe(200);
        const ok = await del({
          uid: obj.metadata.uid,
          resourceVersion: obj.metadata.resourceVersion,
        });
        expect(ok.status).toBe(200);
        expect((await t.raw.get(path)).status).toBe(404);
      },
    );

    behaviour(
      'delete of a custom resource with a finalizer waits for it, like built-in kinds',
      async t => {
        const path = paths.kars(t.ns, 'karssandboxes', 'fin-cr');
        const sandbox = karsSandbox('fin-cr', t.ns);
        const created = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          {
            body: {
              ...sandbox,
              metadata: { ...sandbox.metadata, finalizers: [FINALIZER] },
            },
          },
        );
        expect(created.status).toBe(201);
        const del = await t.raw.request('DELETE', path);
        expect(del.status).toBe(200);
        expect(del.json.metadata.deletionTimestamp).toMatch(RFC3339_SECONDS);
        const status = await t.raw.request('PATCH', `${path}/status`, {
          body: { status: { phase: 'Terminating', conditions: [] } },
          contentType: 'application/merge-patch+json',
        });
        expect(status.status).toBe(200);
        expect((await t.raw.get(path)).json.status.phase).toBe('Terminating');
        await t.raw.request('PATCH', path, {
          body: { metadata: { finalizers: [] } },
          contentType: 'application/merge-patch+json',
        });
        await eventually(
          async () => expect((await t.raw.get(path)).status).toBe(404),
          { timeoutMs: 10_000 },
        );
      },
    );

    behaviour(
      'deleting a namespace: it turns Terminating, its contents (built-in and custom) are deleted, then it is gone',
      async t => {
        const ns = await t.newNamespace();
        await createCm(t, ns, 'a');
        await t.raw.request('POST', paths.core(ns, 'secrets'), {
          body: {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 's' },
            stringData: { k: 'v' },
          },
        });
        const cr = await t.raw.request(
          'POST',
          paths.kars(ns, 'karssandboxes'),
          { body: karsSandbox('x', ns) },
        );
        expect(cr.status).toBe(201);
        const del = await t.raw.request('DELETE', paths.ns(ns));
        expect(del.status).toBe(200);
        expect(del.json).toMatchObject({
          kind: 'Namespace',
          metadata: {
            name: ns,
            deletionTimestamp: expect.stringMatching(RFC3339_SECONDS),
          },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Terminating' },
        });
        await eventually(
          async () => {
            expect((await t.raw.get(paths.ns(ns))).status).toBe(404);
          },
          { timeoutMs: 60_000, intervalMs: 500 },
        );
        expect(
          (await t.raw.get(paths.core(ns, 'configmaps', 'a'))).status,
        ).toBe(404);
        expect(
          (await t.raw.get(paths.kars(ns, 'karssandboxes', 'x'))).status,
        ).toBe(404);
      },
      { timeout: 90_000 },
    );

    behaviour(
      'a namespace held by a finalizer stays Terminating; creating in it is 403 Forbidden; it goes once the finalizer is removed',
      async t => {
        const ns = await t.newNamespace();
        await createCm(t, ns, 'held', [FINALIZER]);
        await createCm(t, ns, 'free');
        expect((await t.raw.request('DELETE', paths.ns(ns))).status).toBe(200);
        await eventually(
          async () => {
            expect(
              (await t.raw.get(paths.core(ns, 'configmaps', 'free'))).status,
            ).toBe(404);
            const held = await t.raw.get(paths.core(ns, 'configmaps', 'held'));
            expect(held.json.metadata.deletionTimestamp).toMatch(
              RFC3339_SECONDS,
            );
          },
          { timeoutMs: 60_000, intervalMs: 500 },
        );
        const namespace = await t.raw.get(paths.ns(ns));
        expect(namespace.json.status.phase).toBe('Terminating');
        const refused = await t.raw.request(
          'POST',
          paths.core(ns, 'configmaps'),
          {
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'late' },
            },
          },
        );
        expectStatus(refused, 403, 'Forbidden', {
          name: 'late',
          kind: 'configmaps',
        });
        expect(refused.json.message).toContain(
          'because it is being terminated',
        );
        await t.raw.request('PATCH', paths.core(ns, 'configmaps', 'held'), {
          body: { metadata: { finalizers: null } },
          contentType: 'application/merge-patch+json',
        });
        await eventually(
          async () => expect((await t.raw.get(paths.ns(ns))).status).toBe(404),
          {
            timeoutMs: 60_000,
            intervalMs: 500,
          },
        );
      },
      { timeout: 150_000 },
    );
  },
  { crds: true },
);
