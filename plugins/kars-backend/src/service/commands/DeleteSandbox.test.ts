import {
  KARS_ANNOTATIONS,
  KARS_LABEL_VALUES,
  KARS_LABELS,
} from '@kars-portal/plugin-kars-common';
import { KubeGateway, KubeObject } from '@kars-portal/plugin-kars-node';
import { fakeCluster, sandboxObject } from '../../__testUtils__/fakeClusters';
import { FleetIndex } from '../FleetIndex';
import { DeleteSandbox } from './DeleteSandbox';

const claimed = (uid?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: 'kars-tenant-a',
    labels: { [KARS_LABELS.managedBy]: KARS_LABEL_VALUES.managedBy },
    annotations: {
      [KARS_ANNOTATIONS.sandboxName]: 'tenant-a',
      ...(uid ? { [KARS_ANNOTATIONS.sandboxUid]: uid } : {}),
    },
  },
});

const sandboxRef = {
  apiVersion: 'kars.azure.com/v1alpha1',
  kind: 'KarsSandbox',
  name: 'tenant-a',
  namespace: 'kars-system',
};

/** A delete over one cluster holding tenant-a while `cached` says so, whose API holds `namespace`. */
function deleting(namespace: KubeObject | undefined) {
  const deletes: unknown[][] = [];
  let cached = true;
  const gateway = {
    get: async () => namespace,
    delete: async (...args: unknown[]) => {
      deletes.push(args);
      cached = false;
    },
  } as unknown as KubeGateway;
  const fleet = new FleetIndex([
    fakeCluster({
      gateway,
      objects: () => (cached ? [sandboxObject('tenant-a')] : []),
    }),
  ]);
  return { command: new DeleteSandbox(fleet), deletes };
}

describe('DeleteSandbox', () => {
  it.each([
    [
      'the namespace kars portal made for this sandbox',
      claimed('uid-tenant-a'),
      { exists: true, deleted: true },
    ],
    [
      'a namespace claimed without a uid',
      claimed(),
      { exists: true, deleted: true },
    ],
    [
      'a namespace an earlier sandbox of the name claimed',
      claimed('uid-earlier'),
      { exists: true, deleted: false },
    ],
    ['no namespace', undefined, { exists: false, deleted: false }],
  ])(
    'says in a dry run what goes with %s, deleting nothing',
    async (_what, namespace, expected) => {
      const { command, deletes } = deleting(namespace);
      const plan = await command.dryRun(
        await command.admit({ name: 'tenant-a' }),
      );
      expect(plan).toEqual({
        dryRun: true,
        name: 'tenant-a',
        cluster: 'primary',
        deleting: false,
        namespace: { name: 'kars-tenant-a', ...expected },
        objects: [
          ...(expected.deleted
            ? [{ apiVersion: 'v1', kind: 'Namespace', name: 'kars-tenant-a' }]
            : []),
          sandboxRef,
        ],
      });
      expect(deletes).toEqual([]);
    },
  );

  it('deletes the KarsSandbox it was admitted for (by uid), and answers it as deleting once the cache lost it', async () => {
    const { command, deletes } = deleting(undefined);
    const plan = await command.admit({ name: 'tenant-a' });
    const sandbox = await command.execute(plan);
    expect(deletes).toEqual([
      [
        sandboxRef,
        {
          preconditions: { uid: 'uid-tenant-a' },
          propagationPolicy: 'Background',
        },
      ],
    ]);
    expect(sandbox).toMatchObject({ name: 'tenant-a', deleting: true });
    expect(command.describe(sandbox, plan)).toBe('deleted from primary');
  });

  it('answers an unknown sandbox with a 404 before anything is written', async () => {
    const { command, deletes } = deleting(undefined);
    await expect(command.admit({ name: 'tenant-x' })).rejects.toThrow(
      'no sandbox named tenant-x',
    );
    expect(deletes).toEqual([]);
  });
});
