import { Readable } from 'node:stream';
import { KARS_LABELS } from '@kars-portal/plugin-kars-common';
import { KubeGateway, KubeObject } from '@kars-portal/plugin-kars-node';
import { channelLine } from '@kars-portal/workload-simulator';
import { fakeCluster, sandboxObject } from '../__testUtils__/fakeClusters';
import { agentContainerName } from '../render/deployment';
import { ObservedChannels } from './ObservedChannels';
import { toSandbox } from './sandboxObject';

/**
 * A cluster whose every sandbox runs one pod (in its pod cache) whose agent logs its slack channel
 * connected, or refused where `refused` says; each log read takes a while, and the sandboxes with a
 * read in flight are counted (the health report reads a log's start and its end at once).
 */
function logCluster(
  objects: ReturnType<typeof sandboxObject>[],
  refused: (sandbox: string) => boolean,
  log: (
    sandbox: string,
    setup: Parameters<typeof channelLine>[1],
    part: 'start' | 'tail',
  ) => string[] = (sandbox, setup) => [
    channelLine('OpenClaw', setup, 'start', sandbox),
    channelLine('OpenClaw', setup, 'up', sandbox),
  ],
) {
  const inFlight = new Map<string, number>();
  const reads = {
    most: 0,
    sandboxes: new Set<string>(),
    parts: [] as string[],
    restarts: 0,
  };
  const gateway = {
    podLog: async (namespace: string, _pod: string, options: any) => {
      const sandbox = namespace.replace(/^kars-/, '');
      const part = options.limitBytes === undefined ? 'tail' : 'start';
      reads.sandboxes.add(sandbox);
      reads.parts.push(`${sandbox} ${part}`);
      inFlight.set(sandbox, (inFlight.get(sandbox) ?? 0) + 1);
      reads.most = Math.max(reads.most, inFlight.size);
      await new Promise(r => setTimeout(r, 20));
      if (inFlight.get(sandbox) === 1) inFlight.delete(sandbox);
      else inFlight.set(sandbox, inFlight.get(sandbox)! - 1);
      const setup = {
        channel: 'slack' as const,
        configured: true,
        failing: refused(sandbox),
      };
      return Readable.from(log(sandbox, setup, part).map(l => `${l}\n`));
    },
  } as unknown as KubeGateway;
  const pods = (): KubeObject[] =>
    objects.map(o => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${o.metadata.name}-pod`,
        namespace: `kars-${o.metadata.name}`,
        uid: `uid-${o.metadata.name}`,
        labels: { [KARS_LABELS.sandbox]: o.metadata.name },
      },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: agentContainerName('OpenClaw'),
            restartCount: reads.restarts,
            state: { running: {} },
          },
        ],
      },
    }));
  return {
    cluster: fakeCluster({ gateway, objects: () => objects, pods }),
    reads,
  };
}

const withSlack = (name: string, extra: Record<string, unknown> = {}) =>
  sandboxObject(name, {
    owner: 'group:default/team-a',
    channels: [{ type: 'slack' }],
    ...extra,
  });

describe('ObservedChannels', () => {
  it('reads the sandboxes with channels a few at a time and keeps what it saw as the cluster’s latest', async () => {
    const objects = [
      ...Array.from({ length: 10 }, (_, i) => withSlack(`tenant-${i}`)),
      sandboxObject('no-channels'),
      withSlack('asleep', { suspended: true }),
    ];
    const { cluster, reads } = logCluster(objects, s => s === 'tenant-3');
    const observed = new ObservedChannels();
    const seen = await observed.check(cluster);
    expect(reads.most).toBe(4);
    expect([...reads.sandboxes].sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `tenant-${i}`).sort(),
    );
    expect(seen).toHaveLength(10);
    expect(
      seen.find(s => s.sandbox.name === 'tenant-3')?.channels.get('slack'),
    ).toEqual({
      connection: 'failing',
      source: "the agent's log (OpenClaw format)",
    });
    const sandbox = (name: string) =>
      toSandbox(objects.find(o => o.metadata.name === name)!, 'primary');
    expect(observed.failing(sandbox('tenant-3'))).toEqual(['slack']);
    expect(observed.failing(sandbox('tenant-4'))).toEqual([]);
    expect(observed.failing(sandbox('asleep'))).toEqual([]);
  });

  it('forgets a failure once a later check no longer sees it', async () => {
    let failing = true;
    const objects = [withSlack('tenant-a')];
    const { cluster } = logCluster(objects, () => failing);
    const observed = new ObservedChannels();
    const tenantA = toSandbox(objects[0], 'primary');
    await observed.check(cluster);
    expect(observed.failing(tenantA)).toEqual(['slack']);
    failing = false;
    await observed.check(cluster);
    expect(observed.failing(tenantA)).toEqual([]);
  });

  it('reads the start of an agent run once: later checks read its last lines and still see what its start said', async () => {
    const objects = [withSlack('tenant-a')];
    // The runtime says connected at start only; its last lines are tasks.
    const { cluster, reads } = logCluster(
      objects,
      () => false,
      (sandbox, setup, part) =>
        part === 'start'
          ? [
              channelLine('OpenClaw', setup, 'start', sandbox),
              '[agent] run 1 done',
              channelLine('OpenClaw', setup, 'up', sandbox),
            ]
          : ['[agent] run 2 done', '[agent] run 3 done'],
    );
    const observed = new ObservedChannels();
    const slack = async () =>
      (await observed.check(cluster))[0].channels.get('slack')?.connection;
    expect(await slack()).toBe('connected');
    expect(reads.parts.splice(0)).toEqual(['tenant-a start', 'tenant-a tail']);
    expect(await slack()).toBe('connected');
    expect(await slack()).toBe('connected');
    expect(reads.parts.splice(0)).toEqual(['tenant-a tail', 'tenant-a tail']);
    // A restarted container is another run: its start is read again.
    reads.restarts = 1;
    expect(await slack()).toBe('connected');
    expect(reads.parts.splice(0)).toEqual(['tenant-a start', 'tenant-a tail']);
  });
});
