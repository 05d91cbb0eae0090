import { NotFoundError } from '@backstage/errors';
import { AuditStore } from '../database/AuditStore';
import {
  emitChange,
  fakeCluster,
  sandboxObject,
} from '../__testUtils__/fakeClusters';
import { FleetIndex } from './FleetIndex';
import { SandboxViews } from './SandboxViews';

describe('SandboxViews', () => {
  it('lists each sandbox as its cluster holds it after each change, a replaced object anew', () => {
    const object = (model: string, resourceVersion: string) =>
      sandboxObject(
        'tenant-a',
        { owner: 'group:default/team-a', model },
        { resourceVersion },
      );
    let cached = [object('gpt-4.1', '1')];
    const cluster = fakeCluster({ objects: () => cached });
    const views = new SandboxViews(new FleetIndex([cluster]), {} as AuditStore);
    expect(views.list({}).items[0].model).toBe('gpt-4.1');
    const before = views.listingVersion();
    const old = cached[0];
    cached = [object('gpt-4o', '2')];
    emitChange(cluster, { type: 'upsert', object: cached[0], old });
    expect(views.list({}).items[0].model).toBe('gpt-4o');
    expect(views.listingVersion()).not.toBe(before);
  });

  const views = new SandboxViews(
    new FleetIndex([
      fakeCluster({
        objects: () => [
          sandboxObject('tenant-a'),
          sandboxObject('tenant-q', {
            owner: 'group:default/team-q',
            a2a: { enabled: false },
          }),
        ],
      }),
    ]),
    {
      list: async (name: string) => [{ sandbox: name, action: 'create' }],
    } as unknown as AuditStore,
  );

  it('lists only what the caller may see, with the agent card when asked', () => {
    const page = views.list(
      { include: 'agentCard' },
      owner => owner !== 'group:default/team-q',
    );
    expect(page.totalCount).toBe(1);
    expect(page.items[0]).toMatchObject({
      name: 'tenant-a',
      agentCard: { name: 'tenant-a agent' },
    });
  });

  it('serves the agent card of a sandbox with A2A on, and a 404 with it off', () => {
    expect(views.agentCard('tenant-a').name).toBe('tenant-a agent');
    expect(() => views.agentCard('tenant-q')).toThrow(NotFoundError);
    expect(() => views.agentCard('tenant-q')).toThrow(
      'sandbox tenant-q has A2A turned off',
    );
  });

  it('renders the manifests of a sandbox for its own uid', () => {
    const manifests = views.manifests('tenant-a');
    expect(manifests).toMatchObject({ name: 'tenant-a', cluster: 'primary' });
    const namespace = manifests.objects.find(o => o.kind === 'Namespace');
    expect(JSON.stringify(namespace)).toContain('uid-tenant-a');
  });

  it('renders the restart annotation of a sandbox into its pod template, as the reconciler does', () => {
    const restartedAt = '2026-01-02T03:04:05.678Z';
    const restarted = new SandboxViews(
      new FleetIndex([
        fakeCluster({
          objects: () => [
            sandboxObject('tenant-r', undefined, {
              annotations: { 'kars.azure.com/restarted-at': restartedAt },
            }),
          ],
        }),
      ]),
      {} as AuditStore,
    );
    const deployment = restarted
      .manifests('tenant-r')
      .objects.find(o => o.kind === 'Deployment') as any;
    expect(
      deployment.spec.template.metadata.annotations[
        'kars.azure.com/restarted-at'
      ],
    ).toBe(restartedAt);
  });

  it.each(['health', 'manifests', 'agentCard'] as const)(
    '%s of an unknown sandbox is a 404',
    async view => {
      await expect(
        (async () => views[view]('tenant-x'))(),
      ).rejects.toBeInstanceOf(NotFoundError);
    },
  );

  it('answers the audit events of a sandbox', async () => {
    expect(await views.events('tenant-a')).toEqual({
      items: [{ sandbox: 'tenant-a', action: 'create' }],
    });
  });
});
