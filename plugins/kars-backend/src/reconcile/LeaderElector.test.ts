import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import { CountingGateway } from '../__testUtils__/CountingGateway';
import { LeaderElector, microTime } from './LeaderElector';
import { ClientNodeGateway, KubeGateway } from '@kars-portal/plugin-kars-node';

jest.setTimeout(60_000);

const LEASE = { name: 'kars-portal-test', namespace: 'kars-system' };

async function until(what: string, probe: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

/** Records when a candidate starts and stops leading, in wall-clock milliseconds. */
function candidate(
  gateway: KubeGateway,
  identity: string,
  beforeRelease?: () => Promise<void>,
) {
  const events: Array<{ leading: boolean; at: number }> = [];
  const elector = new LeaderElector(
    gateway,
    {
      ...LEASE,
      identity,
      leaseDurationSeconds: 6,
      renewDeadlineSeconds: 3,
      retryPeriodMs: 300,
      onStartedLeading: () => events.push({ leading: true, at: Date.now() }),
      onStoppedLeading: () => events.push({ leading: false, at: Date.now() }),
      beforeRelease,
    },
    mockServices.logger.mock(),
  );
  return { elector, events };
}

describe('LeaderElector', () => {
  let stopEmulator: () => Promise<void>;
  let gateway: KubeGateway;

  beforeAll(async () => {
    const emulator = await startKubeEmulator({ port: 0 });
    stopEmulator = () => emulator.stop();
    const kc = new KubeConfig();
    kc.loadFromString(emulator.kubeconfigYaml);
    gateway = new ClientNodeGateway(kc);
    await gateway.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: LEASE.namespace },
    });
  });
  afterAll(() => stopEmulator?.());

  it('writes renew times as MicroTime', () => {
    expect(microTime(new Date('2026-11-29T15:04:05.123Z'))).toBe(
      '2026-11-29T15:04:05.123000Z',
    );
  });

  it('refuses a renew deadline that is not shorter than the lease', () => {
    expect(
      () =>
        new LeaderElector(
          gateway,
          {
            ...LEASE,
            identity: 'x',
            leaseDurationSeconds: 3,
            renewDeadlineSeconds: 3,
            onStartedLeading: () => {},
            onStoppedLeading: () => {},
          },
          mockServices.logger.mock(),
        ),
    ).toThrow(/must be shorter than leaseDurationSeconds/);
  });

  it('a holder that cannot renew steps down before another candidate may take the lease', async () => {
    const flaky = new CountingGateway(gateway);
    const first = candidate(flaky.gateway, 'replica-1');
    const second = candidate(gateway, 'replica-2');
    first.elector.start();
    await until('replica-1 leading', () => first.elector.isLeader);

    flaky.failNext('replace', 1_000, undefined, 'Lease');
    await until('replica-1 stepping down', () => !first.elector.isLeader);
    const steppedDownAt = first.events.at(-1)!.at;
    const lease = await gateway.get<any>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      ...LEASE,
    });
    expect(lease.spec.holderIdentity).toBe('replica-1');
    // Another candidate may take the lease once renewTime + leaseDurationSeconds has passed.
    expect(steppedDownAt).toBeLessThan(
      Date.parse(lease.spec.renewTime) + 6_000,
    );

    second.elector.start();
    await until('replica-2 leading', () => second.elector.isLeader);
    expect(second.events[0].at).toBeGreaterThanOrEqual(
      Date.parse(lease.spec.renewTime) + 6_000,
    );
    expect(first.events.map(e => e.leading)).toEqual([true, false]);

    await first.elector.stop();
    await second.elector.stop();
  });

  it('a leader that stops keeps renewing the lease until its work has ended, then gives it up at once', async () => {
    let workEnded = 0;
    const first = candidate(gateway, 'replica-3', async () => {
      // Longer than the lease: without renewals another candidate could take it meanwhile.
      await new Promise(r => setTimeout(r, 8_000));
      workEnded = Date.now();
    });
    const second = candidate(gateway, 'replica-4');
    first.elector.start();
    await until('replica-3 leading', () => first.elector.isLeader);
    second.elector.start();
    const stopped = first.elector.stop();
    expect(first.elector.isLeader).toBe(false);
    await until('replica-4 leading', () => second.elector.isLeader, 20_000);
    await stopped;
    expect(workEnded).toBeGreaterThan(0);
    expect(second.events[0].at).toBeGreaterThanOrEqual(workEnded);
    // Taken once released, not once lapsed.
    expect(second.events[0].at - workEnded).toBeLessThan(2_000);
    expect(first.events.map(e => e.leading)).toEqual([true, false]);
    await second.elector.stop();
  });
});
