import { behaviour, describeContract, TargetContext } from './lib/contract';
import { expectStatus, karsSandbox, paths } from './lib/fixtures';

const LABELS: Record<string, Record<string, string>> = {
  'cm-a': { app: 'web', tier: 'front' },
  'cm-b': { app: 'web', tier: 'back' },
  'cm-c': { app: 'db', tier: 'back' },
  'cm-d': { app: 'cache' },
  'cm-e': {},
};

const seeded = new WeakSet<TargetContext>();

async function seed(t: TargetContext) {
  if (seeded.has(t)) return;
  for (const [name, labels] of Object.entries(LABELS)) {
    const res = await t.raw.request('POST', paths.core(t.ns, 'configmaps'), {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels } },
    });
    expect(res.status).toBe(201);
  }
  seeded.add(t);
}

async function names(
  t: TargetContext,
  query: Record<string, string | number>,
  path = paths.core(t.ns, 'configmaps'),
) {
  const res = await t.raw.get(path, query);
  expect({ query, status: res.status }).toEqual({ query, status: 200 });
  return res.json.items
    .map((i: any) => i.metadata.name)
    .filter((n: string) => n.startsWith('cm-'));
}

describeContract(
  'Label and field selectors, paging',
  () => {
    behaviour(
      'label selectors: = == != in notin exists !exists and their conjunction',
      async t => {
        await seed(t);
        const cases: [string, string[]][] = [
          ['app=web', ['cm-a', 'cm-b']],
          ['app==web', ['cm-a', 'cm-b']],
          ['app!=web', ['cm-c', 'cm-d', 'cm-e']],
          ['app in (web,db)', ['cm-a', 'cm-b', 'cm-c']],
          ['app notin (web)', ['cm-c', 'cm-d', 'cm-e']],
          ['tier', ['cm-a', 'cm-b', 'cm-c']],
          ['!tier', ['cm-d', 'cm-e']],
          ['app=web,tier=back', ['cm-b']],
          ['tier in (back),app!=db', ['cm-b']],
          ['app=none', []],
        ];
        for (const [labelSelector, expected] of cases) {
          expect({
            labelSelector,
            names: await names(t, { labelSelector }),
          }).toEqual({
            labelSelector,
            names: expected,
          });
        }
      },
    );

    behaviour('client-node list passes label selectors through', async t => {
      await seed(t);
      const list = await t.core.listNamespacedConfigMap({
        namespace: t.ns,
        labelSelector: 'app in (web),tier=front',
      });
      expect(list.items.map(i => i.metadata?.name)).toEqual(['cm-a']);
    });

    behaviour(
      'field selectors metadata.name (= and !=) and metadata.namespace, also across namespaces',
      async t => {
        await seed(t);
        expect(await names(t, { fieldSelector: 'metadata.name=cm-c' })).toEqual(
          ['cm-c'],
        );
        expect(
          await names(t, { fieldSelector: 'metadata.name!=cm-c' }),
        ).toEqual(['cm-a', 'cm-b', 'cm-d', 'cm-e']);
        expect(
          await names(t, {
            fieldSelector: 'metadata.name=cm-a',
            labelSelector: 'tier=back',
          }),
        ).toEqual([]);
        const all = await names(
          t,
          { fieldSelector: `metadata.namespace=${t.ns}` },
          '/api/v1/configmaps',
        );
        expect(all).toEqual(['cm-a', 'cm-b', 'cm-c', 'cm-d', 'cm-e']);
        const res = await t.raw.get('/api/v1/configmaps', {
          fieldSelector: `metadata.namespace=${t.ns}`,
        });
        expect(
          new Set(res.json.items.map((i: any) => i.metadata.namespace)),
        ).toEqual(new Set([t.ns]));
      },
    );

    behaviour('label selectors on custom resources', async t => {
      for (const [name, team] of [
        ['sb-a', 'x'],
        ['sb-b', 'y'],
        ['sb-c', 'x'],
      ]) {
        const sandbox = karsSandbox(name, t.ns);
        const res = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          {
            body: {
              ...sandbox,
              metadata: { ...sandbox.metadata, labels: { team } },
            },
          },
        );
        expect(res.status).toBe(201);
      }
      const res = await t.raw.get(paths.kars(t.ns, 'karssandboxes'), {
        labelSelector: 'team=x',
      });
      expect(res.json.items.map((i: any) => i.metadata.name)).toEqual([
        'sb-a',
        'sb-c',
      ]);
      expect(res.json).toMatchObject({
        kind: 'KarsSandboxList',
        apiVersion: 'kars.azure.com/v1alpha1',
      });
      expect(res.json.items[0]).toMatchObject({
        kind: 'KarsSandbox',
        apiVersion: 'kars.azure.com/v1alpha1',
      });
    });

    behaviour('a malformed label selector is 400 BadRequest', async t => {
      const res = await t.raw.get(paths.core(t.ns, 'configmaps'), {
        labelSelector: 'app in (web',
      });
      expectStatus(res, 400, 'BadRequest');
    });

    behaviour(
      'a field selector on an unsupported field is 400 BadRequest',
      async t => {
        const res = await t.raw.get(paths.core(t.ns, 'configmaps'), {
          fieldSelector: 'data.k=v',
        });
        expectStatus(res, 400, 'BadRequest');
        expect(res.json.message).toContain('data.k');
      },
    );

    behaviour(
      'limit/continue pages through a list in name order: continue tokens and remainingItemCount until the last page',
      async t => {
        await seed(t);
        const path = paths.core(t.ns, 'configmaps');
        const seen: string[] = [];
        const remaining: (number | undefined)[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const res = await t.raw.get(path, {
            limit: 2,
            ...(token ? { continue: token } : {}),
          });
          expect(res.status).toBe(200);
          expect(res.json.items.length).toBeLessThanOrEqual(2);
          seen.push(...res.json.items.map((i: any) => i.metadata.name));
          remaining.push(res.json.metadata.remainingItemCount);
          token = res.json.metadata.continue || undefined;
          pages++;
        } while (token && pages < 10);
        const all = (await t.raw.get(path)).json.items.map(
          (i: any) => i.metadata.name,
        );
        expect(seen).toEqual(all);
        expect(seen.filter(n => n.startsWith('cm-'))).toEqual([
          'cm-a',
          'cm-b',
          'cm-c',
          'cm-d',
          'cm-e',
        ]);
        expect(pages).toBe(Math.ceil(all.length / 2));
        const expectedRemaining = Array.from({ length: pages }, (_, i) =>
          i === pages - 1 ? undefined : all.length - 2 * (i + 1),
        );
        expect(remaining).toEqual(expectedRemaining);
      },
    );

    behaviour(
      'continued pages are one snapshot: they report the first page’s resourceVersion and miss objects created in between',
      async t => {
        const ns = await t.newNamespace();
        for (const name of ['p-1', 'p-2', 'p-3']) {
          await t.raw.request('POST', paths.core(ns, 'configmaps'), {
            body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } },
          });
        }
        const first = await t.raw.get(paths.core(ns, 'configmaps'), {
          limit: 1,
        });
        const inBetween = await t.raw.request(
          'POST',
          paths.core(ns, 'configmaps'),
          {
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'p-4' },
            },
          },
        );
        expect(inBetween.status).toBe(201);
        const rest = await t.raw.get(paths.core(ns, 'configmaps'), {
          continue: first.json.metadata.continue,
        });
        expect(rest.status).toBe(200);
        expect(rest.json.metadata.resourceVersion).toBe(
          first.json.metadata.resourceVersion,
        );
        const listed = [...first.json.items, ...rest.json.items].map(
          (i: any) => i.metadata.name,
        );
        expect(listed.filter((n: string) => n.startsWith('p-'))).toEqual([
          'p-1',
          'p-2',
          'p-3',
        ]);
      },
    );

    behaviour('an invalid continue token is 400 BadRequest', async t => {
      const res = await t.raw.get(paths.core(t.ns, 'configmaps'), {
        limit: 1,
        continue: 'not-a-token',
      });
      expectStatus(res, 400, 'BadRequest');
    });

    behaviour(
      'a list reports its kind, apiVersion and a resourceVersion to watch from',
      async t => {
        const res = await t.raw.get(paths.core(t.ns, 'configmaps'));
        expect(res.json).toMatchObject({
          kind: 'ConfigMapList',
          apiVersion: 'v1',
          metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
        });
        expect(Array.isArray(res.json.items)).toBe(true);
      },
    );
  },
  { crds: true },
);
