import { KubeEmulator, startKubeEmulator } from '../emulator';
import { RawClient, rawClient } from '../testing/rawClient';
import { configMap } from '../testing/fixtures';
import { openWatch } from '../testing/watchStream';

describe('watch', () => {
  let emu: KubeEmulator;
  let api: RawClient;
  const ns = 'watched';
  const path = `/api/v1/namespaces/${ns}/configmaps`;

  beforeAll(async () => {
    emu = await startKubeEmulator({
      watchHistory: 50,
      bookmarkIntervalMs: 100,
    });
    api = rawClient(emu.url, emu.token);
    await api.post('/api/v1/namespaces', { metadata: { name: ns } });
  });
  afterAll(() => emu.stop());

  it('streams ADDED, MODIFIED and DELETED from a list resourceVersion, without the listed objects', async () => {
    await api.post(path, configMap('before'));
    const rv = (await api.get(path)).json.metadata.resourceVersion;
    const w = await openWatch(
      `${emu.url}${path}?watch=1&resourceVersion=${rv}`,
      emu.token,
    );
    await api.post(path, configMap('x'));
    await api.patch(`${path}/x`, { data: { a: '1' } });
    await api.del(`${path}/x`);
    await w.waitFor(3);
    w.close();
    expect(w.events.map(e => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'x'],
      ['MODIFIED', 'x'],
      ['DELETED', 'x'],
    ]);
    const rvs = w.events.map(e => Number(e.object.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    await api.del(`${path}/before`);
  });

  it('starts with ADDED events for existing objects when no resourceVersion is given', async () => {
    await api.post(path, configMap('existing'));
    const w = await openWatch(
      `${emu.url}${path}?watch=true&fieldSelector=metadata.name%3Dexisting`,
      emu.token,
    );
    await w.waitFor(1);
    w.close();
    expect(w.events).toEqual([
      expect.objectContaining({
        type: 'ADDED',
        object: expect.objectContaining({ kind: 'ConfigMap' }),
      }),
    ]);
  });

  it('reports objects entering and leaving a label selector as ADDED and DELETED', async () => {
    await api.post(path, configMap('sel', {}, { labels: { pick: 'yes' } }));
    const rv = (await api.get(`${path}/sel`)).json.metadata.resourceVersion;
    const w = await openWatch(
      `${emu.url}${path}?watch=1&labelSelector=pick%3Dyes&resourceVersion=${rv}`,
      emu.token,
    );
    const left = await api.patch(`${path}/sel`, {
      metadata: { labels: { pick: 'no' } },
    });
    await api.patch(`${path}/sel`, { metadata: { labels: { pick: 'yes' } } });
    await w.waitFor(2);
    w.close();
    expect(w.events.map(e => [e.type, e.object.metadata.labels.pick])).toEqual([
      ['DELETED', 'yes'],
      ['ADDED', 'yes'],
    ]);
    expect(w.events[0].object.metadata.resourceVersion).toBe(
      left.json.metadata.resourceVersion,
    );
  });

  it('sends an ERROR 410 Expired for a resourceVersion older than its history', async () => {
    for (let i = 0; i < 60; i++) await api.post(path, configMap(`churn-${i}`));
    const w = await openWatch(
      `${emu.url}${path}?watch=1&resourceVersion=2`,
      emu.token,
    );
    await w.ended;
    expect(w.events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          kind: 'Status',
          code: 410,
          reason: 'Expired',
          message: expect.stringContaining('too old resource version: 2'),
        }),
      },
    ]);
  });

  it('sends bookmarks when asked and ends after timeoutSeconds', async () => {
    const w = await openWatch(
      `${
        emu.url
      }${path}?watch=1&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${
        (
          await api.get(path)
        ).json.metadata.resourceVersion
      }`,
      emu.token,
    );
    await w.ended;
    const bookmarks = w.events.filter(e => e.type === 'BOOKMARK');
    expect(bookmarks.length).toBeGreaterThan(0);
    expect(bookmarks[0].object).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
  });

  it('ends initial events with an annotated bookmark for sendInitialEvents', async () => {
    const w = await openWatch(
      `${emu.url}${path}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dexisting`,
      emu.token,
    );
    await w.waitFor(2);
    w.close();
    expect(w.events[0].type).toBe('ADDED');
    expect(w.events[1]).toMatchObject({
      type: 'BOOKMARK',
      object: {
        metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } },
      },
    });
  });
  it('sends each watch of one event its own form: the group and version it watches, a Table, or metadata only', async () => {
    const core = `/api/v1/namespaces/${ns}/events`;
    const fromVersion = (await api.get(core)).json.metadata.resourceVersion;
    const open = (collection: string, accept?: string) =>
      openWatch(
        `${emu.url}${collection}?watch=1&resourceVersion=${fromVersion}`,
        emu.token,
        accept ? { accept } : {},
      );
    const watches = await Promise.all([
      open(core),
      open(`/apis/events.k8s.io/v1/namespaces/${ns}/events`),
      open(core, 'application/json;as=Table;v=v1;g=meta.k8s.io'),
      open(
        core,
        'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
      ),
      open(core),
    ]);
    await api.post(core, {
      metadata: { name: 'shared' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: ns },
      reason: 'Started',
      message: 'Started container agent',
      type: 'Normal',
    });
    await Promise.all(watches.map(w => w.waitFor(1)));
    watches.forEach(w => w.close());
    const [v1, eventsV1, table, metadata, v1Again] = watches.map(
      w => w.events[0],
    );
    expect(v1.object).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      message: 'Started container agent',
    });
    expect(v1Again).toEqual(v1);
    expect(eventsV1.object).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      note: 'Started container agent',
    });
    expect(eventsV1.object.message).toBeUndefined();
    expect(table.object).toMatchObject({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'Table',
    });
    expect(metadata.object).toMatchObject({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'PartialObjectMetadata',
      metadata: { name: 'shared' },
    });
    expect(metadata.object.message).toBeUndefined();
  });
});
