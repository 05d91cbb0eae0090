import { behaviour, describeContract } from './lib/contract';
import { karsSandbox, paths } from './lib/fixtures';

describeContract(
  'ObjectMeta of custom resources',
  () => {
    behaviour(
      'the merge patch kubectl diff sends ({"metadata":{"annotations":{}}}) leaves a custom resource without annotations: empty metadata maps and lists are not stored',
      async t => {
        const path = paths.kars(t.ns, 'karssandboxes', 'meta-empty');
        const created = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          { body: karsSandbox('meta-empty', t.ns) },
        );
        expect(created.status).toBe(201);
        const patched = await t.raw.request('PATCH', path, {
          query: { dryRun: 'All' },
          contentType: 'application/merge-patch+json',
          body: {
            metadata: {
              annotations: {},
              resourceVersion: created.json.metadata.resourceVersion,
            },
          },
        });
        expect(patched.status).toBe(200);
        expect(patched.json.metadata).not.toHaveProperty('annotations');
        const emptied = await t.raw.request('PATCH', path, {
          contentType: 'application/merge-patch+json',
          body: {
            metadata: {
              annotations: {},
              labels: {},
              finalizers: [],
              ownerReferences: [],
            },
          },
        });
        expect(emptied.status).toBe(200);
        const live = await t.raw.get(path);
        for (const field of [
          'annotations',
          'labels',
          'finalizers',
          'ownerReferences',
        ]) {
          expect(live.json.metadata).not.toHaveProperty(field);
        }
      },
    );

    behaviour(
      'removing the last annotation of a custom resource removes the map',
      async t => {
        const path = paths.kars(t.ns, 'karssandboxes', 'meta-last');
        const body = karsSandbox('meta-last', t.ns);
        const created = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          {
            body: {
              ...body,
              metadata: { ...body.metadata, annotations: { a: 'b' } },
            },
          },
        );
        expect(created.status).toBe(201);
        const res = await t.raw.request('PATCH', path, {
          contentType: 'application/merge-patch+json',
          body: { metadata: { annotations: { a: null } } },
        });
        expect(res.status).toBe(200);
        expect(res.json.metadata).not.toHaveProperty('annotations');
      },
    );
  },
  { crds: true },
);
