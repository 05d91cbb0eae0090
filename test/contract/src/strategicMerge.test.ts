import { behaviour, describeContract, TargetContext } from './lib/contract';
import { paths } from './lib/fixtures';

type Env = { name: string; value: string };

const env = (...names: string[]): Env[] =>
  names.map(name => ({ name, value: name.toLowerCase() }));

/** A Deployment whose one container has the given env, created on the target. */
async function deployment(
  t: TargetContext,
  name: string,
  vars: Env[],
  finalizers?: string[],
) {
  const res = await t.raw.request(
    'POST',
    paths.group('apps/v1', t.ns, 'deployments'),
    {
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, finalizers },
        spec: {
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'c', image: 'busybox', env: vars }] },
          },
        },
      },
    },
  );
  expect(res.status).toBe(201);
  return paths.group('apps/v1', t.ns, 'deployments', name);
}

async function strategicPatch(t: TargetContext, path: string, body: unknown) {
  const res = await t.raw.request('PATCH', path, {
    contentType: 'application/strategic-merge-patch+json',
    body,
  });
  expect(res.status).toBe(200);
  return res.json;
}

const containerPatch = (patch: Record<string, unknown>) => ({
  spec: { template: { spec: { containers: [{ name: 'c', ...patch }] } } },
});

const envNames = (obj: any) =>
  obj.spec.template.spec.containers[0].env.map((e: Env) => e.name);

describeContract('Strategic merge patch: list order', () => {
  behaviour(
    'items of a merge-keyed list that the patch names follow the patch’s order; the others keep their place relative to the live list',
    async t => {
      const path = await deployment(t, 'smp-order', env('A', 'B', 'C'));
      const res = await strategicPatch(
        t,
        path,
        containerPatch({
          env: [
            { name: 'C', value: 'c2' },
            { name: 'A', value: 'a2' },
          ],
        }),
      );
      expect(res.spec.template.spec.containers[0].env).toEqual([
        { name: 'B', value: 'b' },
        { name: 'C', value: 'c2' },
        { name: 'A', value: 'a2' },
      ]);
      expect(envNames((await t.raw.get(path)).json)).toEqual(['B', 'C', 'A']);
    },
  );

  behaviour(
    'a new item goes where the patch puts it relative to the items it names; alone, before the live items',
    async t => {
      const alone = await deployment(t, 'smp-alone', env('A', 'B'));
      expect(
        envNames(
          await strategicPatch(t, alone, containerPatch({ env: env('N') })),
        ),
      ).toEqual(['N', 'A', 'B']);
      const path = await deployment(t, 'smp-new', env('A', 'B'));
      const res = await strategicPatch(
        t,
        path,
        containerPatch({ env: env('X', 'A') }),
      );
      expect(envNames(res)).toEqual(['X', 'A', 'B']);
      const appended = await strategicPatch(
        t,
        path,
        containerPatch({ env: env('B', 'Y') }),
      );
      expect(envNames(appended)).toEqual(['X', 'A', 'B', 'Y']);
    },
  );

  behaviour(
    '$setElementOrder alone reorders the live list; items it does not name keep their relative place',
    async t => {
      const path = await deployment(t, 'smp-setorder', env('A', 'B', 'C', 'D'));
      const res = await strategicPatch(
        t,
        path,
        containerPatch({
          '$setElementOrder/env': [{ name: 'D' }, { name: 'A' }],
        }),
      );
      expect(envNames(res)).toEqual(['B', 'C', 'D', 'A']);
      const both = await strategicPatch(
        t,
        path,
        containerPatch({
          '$setElementOrder/env': [{ name: 'C' }, { name: 'Z' }, { name: 'B' }],
          env: [{ name: 'Z', value: 'z' }],
        }),
      );
      expect(envNames(both)).toEqual(['C', 'Z', 'B', 'D', 'A']);
    },
  );

  behaviour(
    'a merged list of scalars (metadata.finalizers) is ordered the same way, without duplicates',
    async t => {
      const path = await deployment(t, 'smp-finalizers', env('A'), [
        'example.com/a',
        'example.com/b',
      ]);
      const res = await strategicPatch(t, path, {
        metadata: { finalizers: ['example.com/c', 'example.com/a'] },
      });
      expect(res.metadata.finalizers).toEqual([
        'example.com/c',
        'example.com/a',
        'example.com/b',
      ]);
      const cleared = await strategicPatch(t, path, {
        metadata: { finalizers: null },
      });
      expect(cleared.metadata.finalizers).toBeUndefined();
    },
  );
});
