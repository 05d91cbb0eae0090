import { Readable } from 'node:stream';
import { KubeGateway } from '@kars-portal/plugin-kars-node';
import { channelLine } from '@kars-portal/workload-simulator';
import { fakeCluster, sandboxObject } from '../__testUtils__/fakeClusters';
import { agentContainerName } from '../render/deployment';
import { ObservedChannels } from './ObservedChannels';
import { toSandbox } from './sandboxObject';

/**
 * A cluster whose every sandbox runs one pod whose agent logs its slack channel connected, or
 * refused where `refused` says; each log read takes a while, and the sandboxes with a read in flight
 * are counted (the health report reads a log's start and its end at once).
 */
function logCluster(
  objects: ReturnType<typeof sandboxObject>[],
  refused: (sandbox: string) => boolean,
) {
  const inFlight = new Map<string, number>();
  const reads = { most: 0, sandboxes: new Set<string>() };
  const gateway = {
    list: async (_apiVersion: string, _kind: string, options: any) => {
      const sandbox = String(options.labelSelector).split('=')[1];
      return {
        items: [
          {
            metadata: { name: `${sandbox}-pod`, namespace: `kars-${sandbox}` },
            status: {
              phase: 'Running',
              containerStatuses: [
                {
                  name: agentContainerName('OpenClaw'),
                  state: { running: {} },
                },
              ],
            },
          },
        ],
      };
    },
    podLog: async (namespace: string) => {
      const sandbox = namespace.replace(/^kars-/, '');
      reads.sandboxes.add(sandbox);
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
      return Readable.from([
        `${channelLine('OpenClaw', setup, 'start', sandbox)}\n`,
        `${channelLine('OpenClaw', setup, 'up', sandbox)}\n`,
      ]);
    },
  } as unknown as KubeGateway;
  return { cluster: fakeCluster({ gateway, objects: () => objects }), reads };
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
});
