import {
  KARS_API_GROUP_VERSION,
  KARS_SANDBOX_KIND,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import { backendGateway } from '../__testUtils__/backend';
import { buildSandboxObject } from '../service/sandboxObject';
import { microTime } from './LeaderElector';
import {
  checkNoOtherController,
  isHeld,
  KARS_CONTROLLER_DEPLOYMENT,
  SINGLE_RECONCILER_LEASE,
} from './preflight';

jest.setTimeout(120_000);

describe('isHeld', () => {
  const now = Date.parse('2026-12-05T12:00:00Z');
  const lease = (renewTime?: string, holderIdentity = 'old-replica') => ({
    spec: { holderIdentity, leaseDurationSeconds: 15, renewTime },
  });
  it('is held by a holder who renewed within the duration', () => {
    expect(isHeld(lease('2026-12-05T11:59:50.000000Z'), now)).toBe(true);
    expect(isHeld(lease('2026-12-05T11:59:40.000000Z'), now)).toBe(false);
    expect(isHeld(lease('2026-12-05T11:59:59.000000Z', ''), now)).toBe(false);
    expect(isHeld(lease(undefined), now)).toBe(false);
    expect(isHeld(undefined, now)).toBe(false);
  });
});

/**
 * The preflight as the backend runs it (its own ServiceAccount and RBAC) on a cluster with deploy/
 * applied: each kind of other controller is refused, and the cluster is fine again once it is gone.
 */
describe.each(clusterTargetNames())('the preflight on the %s', targetName => {
  let target: ClusterTarget;
  const ns = 'kars-system';
  const check = () => checkNoOtherController(backendGateway(target), ns);

  beforeAll(async () => {
    target = await startClusterTarget(targetName, { simulator: false });
  });

  afterAll(async () => {
    await target?.stop();
  });

  it('passes on a cluster of its own', async () => {
    expect(await check()).toMatchObject({ ok: true });
  });

  it('waits while a replica of the one-Lease version renews its Lease, not once it lapsed', async () => {
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: SINGLE_RECONCILER_LEASE, namespace: ns },
      spec: {
        holderIdentity: 'portal-7d9f-old',
        leaseDurationSeconds: 15,
        renewTime: microTime(new Date()),
      },
    };
    await target.admin.apply(lease, {
      fieldManager: 'old-portal',
      force: true,
    });
    const refused = await check();
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('portal-7d9f-old');
    expect(refused.message).toContain(`Lease ${ns}/${SINGLE_RECONCILER_LEASE}`);

    await target.admin.apply(
      {
        ...lease,
        spec: {
          ...lease.spec,
          renewTime: microTime(new Date(Date.now() - 60_000)),
        },
      },
      { fieldManager: 'old-portal', force: true },
    );
    expect(await check()).toMatchObject({ ok: true });
  });

  it('refuses a cluster where the kars controller runs', async () => {
    await target.admin.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: KARS_CONTROLLER_DEPLOYMENT, namespace: ns },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'kars-controller' } },
        template: {
          metadata: { labels: { app: 'kars-controller' } },
          spec: { containers: [{ name: 'manager', image: 'kars:1' }] },
        },
      },
    });
    const refused = await check();
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain(
      `Deployment ${ns}/${KARS_CONTROLLER_DEPLOYMENT}`,
    );
    await target.admin.delete({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: KARS_CONTROLLER_DEPLOYMENT,
      namespace: ns,
    });
  });

  it('refuses a cluster where another manager writes sandbox status', async () => {
    await target.admin.create(
      buildSandboxObject(
        'elsewhere',
        sandboxSpecSchema.parse({ owner: 'group:default/team-a' }),
        ns,
      ),
    );
    await target.admin.mergePatch(
      {
        apiVersion: KARS_API_GROUP_VERSION,
        kind: KARS_SANDBOX_KIND,
        name: 'elsewhere',
        namespace: ns,
      },
      { status: { phase: 'Running' } },
      { subresource: 'status', fieldManager: 'kars-operator' },
    );
    const refused = await check();
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('written by kars-operator');
  });
});
