import { NotFoundError } from '@backstage/errors';
import { fakeCluster, sandboxObject } from '../__testUtils__/fakeClusters';
import { FleetIndex } from './FleetIndex';

describe('FleetIndex', () => {
  const east = fakeCluster({
    name: 'east',
    default: false,
    objects: () => [sandboxObject('tenant-a')],
  });
  const west = fakeCluster({
    name: 'west',
    default: true,
    objects: () => [sandboxObject('tenant-b'), sandboxObject('tenant-c')],
  });
  const fleet = new FleetIndex([east, west]);

  it.each([
    ['tenant-a', 'east'],
    ['tenant-b', 'west'],
    ['tenant-c', 'west'],
  ])('finds %s on the cluster that holds it (%s)', (name, cluster) => {
    expect(fleet.locate(name)?.cluster.name).toBe(cluster);
    expect(fleet.mustLocate(name).object.metadata.name).toBe(name);
    expect(fleet.getSandbox(name)).toMatchObject({ name, cluster });
    expect(fleet.find(name)).toEqual(fleet.getSandbox(name));
  });

  it('answers an unknown name with undefined, or a 404 where one is needed', () => {
    expect(fleet.locate('tenant-x')).toBeUndefined();
    expect(fleet.find('tenant-x')).toBeUndefined();
    expect(() => fleet.mustLocate('tenant-x')).toThrow(NotFoundError);
    expect(() => fleet.getSandbox('tenant-x')).toThrow(
      'no sandbox named tenant-x',
    );
  });

  it.each([
    ['the cluster configured as default', [east, west], 'west'],
    [
      'the first cluster when none is',
      [east, fakeCluster({ name: 'north', default: false })],
      'east',
    ],
  ])('sends new sandboxes to %s', (_what, clusters, expected) => {
    expect(new FleetIndex(clusters).defaultCluster.name).toBe(expected);
  });

  it('lists every sandbox of every cluster and knows each cluster by name', () => {
    expect(fleet.allSandboxes().map(s => `${s.cluster}/${s.name}`)).toEqual([
      'east/tenant-a',
      'west/tenant-b',
      'west/tenant-c',
    ]);
    expect(fleet.cluster('west')).toBe(west);
    expect(fleet.cluster('mars')).toBeUndefined();
  });

  it('reads each cached object once, and a replaced object anew', () => {
    const object = (model: string, resourceVersion: string) =>
      sandboxObject(
        'tenant-a',
        { owner: 'group:default/team-a', model },
        { resourceVersion },
      );
    let cached = [object('gpt-4.1', '1')];
    const single = new FleetIndex([fakeCluster({ objects: () => cached })]);

    const first = single.allSandboxes();
    expect(single.allSandboxes()[0]).toBe(first[0]);
    expect(first[0].spec.model).toBe('gpt-4.1');

    cached = [object('gpt-4o', '2')];
    expect(single.allSandboxes()[0]).not.toBe(first[0]);
    expect(single.allSandboxes()[0].spec.model).toBe('gpt-4o');
  });
});
