import { Watch } from '@kubernetes/client-node';
import { behaviour, describeContract, TargetContext } from './lib/contract';
import { karsSandbox, paths } from './lib/fixtures';
import { WatchEvent } from './lib/raw';

const cmBody = (
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

async function create(
  t: TargetContext,
  ns: string,
  name: string,
  data = {},
  labels?: Record<string, string>,
) {
  const res = await t.raw.request('POST', paths.core(ns, 'configmaps'), {
    body: cmBody(name, data, labels),
  });
  expect(res.status).toBe(201);
  return res.json;
}

async function patch(
  t: TargetContext,
  ns: string,
  name: string,
  body: unknown,
) {
  const res = await t.raw.request('PATCH', paths.core(ns, 'configmaps', name), {
    body,
    contentType: 'application/merge-patch+json',
  });
  expect(res.status).toBe(200);
  return res.json;
}

async function remove(t: TargetContext, ns: string, name: string) {
  expect(
    (await t.raw.request('DELETE', paths.core(ns, 'configmaps', name))).status,
  ).toBe(200);
}

async function listRv(t: TargetContext, ns: string) {
  return (await t.raw.get(paths.core(ns, 'configmaps'))).json.metadata
    .resourceVersion as string;
}

/** Events about our objects (kube-controller-manager adds kube-root-ca.crt to new namespaces). */
const ours = (events: WatchEvent[], prefix: string) =>
  events.filter(
    e => e.type === 'ERROR' || e.object?.metadata?.name?.startsWith(prefix),
  );

const summary = (events: WatchEvent[]) =>
  events.map(e => [e.type, e.object?.metadata?.name, e.object?.data]);

const deletedOf = (name: string) => (events: WatchEvent[]) =>
  events.some(
    e =>
      e.type === 'ERROR' ||
      (e.type === 'DELETED' && e.object.metadata.name === name),
  );

describeContract(
  'Watch',
  () => {
    behaviour(
      'client-node Watch delivers ADDED, MODIFIED, DELETED in order with increasing resourceVersions; DELETED carries the last state',
      async t => {
        const ns = await t.newNamespace();
        const rv = await listRv(t, ns);
        const events: [string, any][] = [];
        let resolveDone: (e: unknown) => void = () => {};
        const done = new Promise(r => {
          resolveDone = r;
        });
        const watch = new Watch(t.kc);
        const controller = await watch.watch(
          `/api/v1/namespaces/${ns}/configmaps`,
          { resourceVersion: rv, allowWatchBookmarks: false },
          (type, obj) => {
            // kube-controller-manager publishes kube-root-ca.crt into new namespaces
            if (obj?.metadata?.name === 'w') events.push([type, obj]);
            if (type === 'DELETED') controller.abort();
          },
          err => resolveDone(err),
        );
        await create(t, ns, 'w', { v: '1' });
        await patch(t, ns, 'w', { data: { v: '2' } });
        await remove(t, ns, 'w');
        await Promise.race([done, new Promise(r => setTimeout(r, 10_000))]);
        controller.abort();
        expect(
          events.map(([type, o]) => [type, o.metadata.name, o.data]),
        ).toEqual([
          ['ADDED', 'w', { v: '1' }],
          ['MODIFIED', 'w', { v: '2' }],
          ['DELETED', 'w', { v: '2' }],
        ]);
        const rvs = events.map(([, o]) => Number(o.metadata.resourceVersion));
        expect(rvs[0]).toBeGreaterThan(Number(rv));
        expect(rvs[1]).toBeGreaterThan(rvs[0]);
        expect(rvs[2]).toBeGreaterThan(rvs[1]);
        expect(events[0][1]).toMatchObject({
          kind: 'ConfigMap',
          apiVersion: 'v1',
        });
      },
    );

    behaviour(
      'a watch from a list’s resourceVersion delivers only later changes, not the listed objects',
      async t => {
        const ns = await t.newNamespace();
        await create(t, ns, 'before');
        const rv = await listRv(t, ns);
        const pending = t.raw.watch(
          paths.core(ns, 'configmaps'),
          { resourceVersion: rv },
          {
            until: events => ours(events, 'after').length >= 1,
            timeoutMs: 10_000,
          },
        );
        await create(t, ns, 'after');
        const { events, status } = await pending;
        expect(status).toBe(200);
        expect(
          events.filter(e => e.object?.metadata?.name === 'before'),
        ).toEqual([]);
        // (an empty data map is not stored: the object comes back without `data`)
        expect(summary(ours(events, 'after'))).toEqual([
          ['ADDED', 'after', undefined],
        ]);
      },
    );

    behaviour(
      'resume: a watch from the resourceVersion of an earlier event replays exactly the events after it',
      async t => {
        const ns = await t.newNamespace();
        const first = await create(t, ns, 'r', { v: '1' });
        await patch(t, ns, 'r', { data: { v: '2' } });
        await patch(t, ns, 'r', { data: { v: '3' } });
        await remove(t, ns, 'r');
        const { events } = await t.raw.watch(
          paths.core(ns, 'configmaps'),
          { resourceVersion: first.metadata.resourceVersion },
          { until: deletedOf('r'), timeoutMs: 10_000 },
        );
        expect(summary(ours(events, 'r'))).toEqual([
          ['MODIFIED', 'r', { v: '2' }],
          ['MODIFIED', 'r', { v: '3' }],
          ['DELETED', 'r', { v: '3' }],
        ]);
      },
    );

    behaviour(
      'a watch replays each version as it was written: merge, JSON and strategic merge patches change no earlier version',
      async t => {
        const ns = await t.newNamespace();
        const first = await create(t, ns, 'p', { v: '1' }, { a: '1' });
        const patchAs = async (contentType: string, body: unknown) =>
          expect(
            (
              await t.raw.request('PATCH', paths.core(ns, 'configmaps', 'p'), {
                body,
                contentType,
              })
            ).status,
          ).toBe(200);
        await patchAs('application/merge-patch+json', {
          metadata: { labels: { a: '2' } },
          data: { v: '2' },
        });
        await patchAs('application/json-patch+json', [
          { op: 'replace', path: '/metadata/labels/a', value: '3' },
          { op: 'replace', path: '/data/v', value: '3' },
        ]);
        await patchAs('application/strategic-merge-patch+json', {
          metadata: { labels: { a: '4' } },
          data: { v: '4' },
        });
        await remove(t, ns, 'p');
        const { events } = await t.raw.watch(
          paths.core(ns, 'configmaps'),
          { resourceVersion: first.metadata.resourceVersion },
          { until: deletedOf('p'), timeoutMs: 10_000 },
        );
        expect(
          ours(events, 'p').map(e => [
            e.type,
            e.object.metadata.labels,
            e.object.data,
          ]),
        ).toEqual([
          ['MODIFIED', { a: '2' }, { v: '2' }],
          ['MODIFIED', { a: '3' }, { v: '3' }],
          ['MODIFIED', { a: '4' }, { v: '4' }],
          ['DELETED', { a: '4' }, { v: '4' }],
        ]);
      },
    );

    behaviour(
      'a watch without a resourceVersion starts with ADDED for every existing object',
      async t => {
        const ns = await t.newNamespace();
        await create(t, ns, 'x1');
        await create(t, ns, 'x2');
        const { events } = await t.raw.watch(
          paths.core(ns, 'configmaps'),
          {},
          {
            until: e => ours(e, 'x').length >= 2,
            timeoutMs: 10_000,
          },
        );
        expect(
          ours(events, 'x')
            .map(e => [e.type, e.object.metadata.name])
            .sort(),
        ).toEqual([
          ['ADDED', 'x1'],
          ['ADDED', 'x2'],
        ]);
      },
    );

    behaviour(
      'a label-selector watch sees an object leave the selection as DELETED (its last matching state, at the new resourceVersion) and enter it as ADDED',
      async t => {
        const ns = await t.newNamespace();
        await create(t, ns, 'sel', {}, { managed: 'yes' });
        const rv = await listRv(t, ns);
        const pending = t.raw.watch(
          paths.core(ns, 'configmaps'),
          { resourceVersion: rv, labelSelector: 'managed=yes' },
          { until: e => e.length >= 3, timeoutMs: 10_000 },
        );
        await create(t, ns, 'other', {}, { managed: 'no' });
        const left = await patch(t, ns, 'sel', {
          metadata: { labels: { managed: 'no' } },
        });
        await patch(t, ns, 'other', {
          metadata: { labels: { managed: 'yes' } },
        });
        await patch(t, ns, 'other', { data: { k: 'v' } });
        const { events } = await pending;
        expect(
          events.map(e => [
            e.type,
            e.object.metadata.name,
            e.object.metadata.labels.managed,
          ]),
        ).toEqual([
          ['DELETED', 'sel', 'yes'],
          ['ADDED', 'other', 'yes'],
          ['MODIFIED', 'other', 'yes'],
        ]);
        expect(events[0].object.metadata.resourceVersion).toBe(
          left.metadata.resourceVersion,
        );
      },
    );

    behaviour(
      'a cluster-wide watch with a label selector sees matching objects of every namespace',
      async t => {
        const a = await t.newNamespace();
        const b = await t.newNamespace();
        const label = `kc-${a}`;
        const rv = (
          await t.raw.get('/api/v1/configmaps', {
            labelSelector: `watch-test=${label}`,
          })
        ).json.metadata.resourceVersion;
        const pending = t.raw.watch(
          '/api/v1/configmaps',
          { resourceVersion: rv, labelSelector: `watch-test=${label}` },
          { until: e => e.length >= 2, timeoutMs: 10_000 },
        );
        await create(t, a, 'in-a', {}, { 'watch-test': label });
        await create(t, b, 'not-matching', {});
        await create(t, b, 'in-b', {}, { 'watch-test': label });
        const { events } = await pending;
        expect(
          events.map(e => [
            e.type,
            e.object.metadata.namespace,
            e.object.metadata.name,
          ]),
        ).toEqual([
          ['ADDED', a, 'in-a'],
          ['ADDED', b, 'in-b'],
        ]);
      },
    );

    behaviour(
      'bookmarks: a streaming list (sendInitialEvents) sends ADDED for existing objects, then a BOOKMARK marked initial-events-end, then live events',
      async t => {
        const ns = await t.newNamespace();
        await create(t, ns, 'b1');
        await create(t, ns, 'b2');
        const pending = t.raw.watch(
          paths.core(ns, 'configmaps'),
          {
            sendInitialEvents: true,
            resourceVersionMatch: 'NotOlderThan',
            allowWatchBookmarks: true,
          },
          {
            until: e => e.some(x => x.object?.metadata?.name === 'b3'),
            timeoutMs: 10_000,
          },
        );
        await new Promise(r => setTimeout(r, 500));
        await create(t, ns, 'b3');
        const { events, status } = await pending;
        expect(status).toBe(200);
        const end = events.findIndex(e => e.type === 'BOOKMARK');
        expect(end).toBeGreaterThanOrEqual(0);
        const initial = ours(events.slice(0, end), 'b');
        expect(
          initial.map(e => [e.type, e.object.metadata.name]).sort(),
        ).toEqual([
          ['ADDED', 'b1'],
          ['ADDED', 'b2'],
        ]);
        expect(events[end]).toEqual({
          type: 'BOOKMARK',
          object: {
            kind: 'ConfigMap',
            apiVersion: 'v1',
            metadata: {
              resourceVersion: expect.stringMatching(/^\d+$/),
              annotations: { 'k8s.io/initial-events-end': 'true' },
            },
          },
        });
        const bookmarkRv = Number(events[end].object.metadata.resourceVersion);
        for (const e of initial) {
          expect(bookmarkRv).toBeGreaterThanOrEqual(
            Number(e.object.metadata.resourceVersion),
          );
        }
        // later bookmarks may come at any time; the live events follow
        const live = ours(events.slice(end + 1), 'b').filter(
          e => e.type !== 'BOOKMARK',
        );
        expect(live.map(e => [e.type, e.object.metadata.name])).toEqual([
          ['ADDED', 'b3'],
        ]);
        expect(Number(live[0].object.metadata.resourceVersion)).toBeGreaterThan(
          bookmarkRv,
        );
      },
    );

    behaviour(
      'a watch from a very old resourceVersion never skips: it answers 410 Expired or replays every change after it in order',
      async t => {
        const ns = await t.newNamespace();
        await create(t, ns, 'old', { v: '1' });
        for (let i = 2; i <= 5; i++)
          await patch(t, ns, 'old', { data: { v: String(i) } });
        await remove(t, ns, 'old');
        const result = await t.raw.watch(
          paths.core(ns, 'configmaps'),
          { resourceVersion: '1' },
          {
            until: deletedOf('old'),
            timeoutMs: 10_000,
          },
        );
        const events = result.events.filter(e => e.type !== 'BOOKMARK');
        const gone = (s: any) =>
          s?.kind === 'Status' &&
          s.code === 410 &&
          ['Expired', 'Gone'].includes(s.reason);
        if (result.status === 410) {
          expect(gone(result.body)).toBe(true);
        } else if (events[0]?.type === 'ERROR') {
          expect(result.status).toBe(200);
          expect(gone(events[0].object)).toBe(true);
        } else {
          expect(result.status).toBe(200);
          expect(summary(ours(events, 'old'))).toEqual([
            ['ADDED', 'old', { v: '1' }],
            ['MODIFIED', 'old', { v: '2' }],
            ['MODIFIED', 'old', { v: '3' }],
            ['MODIFIED', 'old', { v: '4' }],
            ['MODIFIED', 'old', { v: '5' }],
            ['DELETED', 'old', { v: '5' }],
          ]);
        }
      },
    );

    behaviour(
      'timeoutSeconds makes the server end the watch cleanly (no ERROR event)',
      async t => {
        const started = Date.now();
        const result = await t.raw.watch(
          paths.core(t.ns, 'configmaps'),
          { resourceVersion: await listRv(t, t.ns), timeoutSeconds: 1 },
          { timeoutMs: 15_000 },
        );
        expect(result.status).toBe(200);
        expect(result.ended).toBe('server');
        expect(result.events.filter(e => e.type === 'ERROR')).toEqual([]);
        expect(Date.now() - started).toBeLessThan(10_000);
      },
    );

    behaviour(
      'custom resources are watchable: spec and status changes arrive as MODIFIED',
      async t => {
        const list = await t.raw.get(paths.kars(t.ns, 'karssandboxes'));
        const pending = t.raw.watch(
          paths.kars(t.ns, 'karssandboxes'),
          { resourceVersion: list.json.metadata.resourceVersion },
          { until: e => e.length >= 3, timeoutMs: 10_000 },
        );
        const path = paths.kars(t.ns, 'karssandboxes', 'watched');
        await t.raw.request('POST', paths.kars(t.ns, 'karssandboxes'), {
          body: karsSandbox('watched', t.ns),
        });
        await t.raw.request('PATCH', path, {
          body: { spec: { model: 'gpt-4o' } },
          contentType: 'application/merge-patch+json',
        });
        await t.raw.request('PATCH', `${path}/status`, {
          body: { status: { phase: 'Running', conditions: [] } },
          contentType: 'application/merge-patch+json',
        });
        const { events } = await pending;
        expect(
          events.map(e => [
            e.type,
            e.object.kind,
            e.object.spec.model,
            e.object.status?.phase,
          ]),
        ).toEqual([
          ['ADDED', 'KarsSandbox', 'gpt-4.1', undefined],
          ['MODIFIED', 'KarsSandbox', 'gpt-4o', undefined],
          ['MODIFIED', 'KarsSandbox', 'gpt-4o', 'Running'],
        ]);
      },
    );
  },
  { crds: true },
);
