import { mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_NODE_POOLS } from '@kars-portal/workload-simulator';
import { nodePoolsOf } from './embeddedClusterConnector';

describe('nodePoolsOf', () => {
  const config = (nodes?: object) =>
    mockServices.rootConfig({ data: nodes ? { embedded: { nodes } } : {} });

  it('keeps the simulator pools unless embedded.nodes sizes them', () => {
    expect(nodePoolsOf(config())).toBe(DEFAULT_NODE_POOLS);
    const pools = nodePoolsOf(
      config({ perPool: 60, cpu: '64', memory: '256Gi' }),
    );
    expect(pools.map(p => [p.name, p.nodes, p.capacity])).toEqual([
      ['sandbox', 60, { cpu: '64', memory: '256Gi', pods: '110' }],
      ['sandbox-kata', 60, { cpu: '64', memory: '256Gi', pods: '110' }],
    ]);
  });

  it.each([0, 121, 2.5])('refuses %p nodes per pool', perPool => {
    expect(() => nodePoolsOf(config({ perPool }))).toThrow(
      'embedded.nodes.perPool must be a whole number from 1 to 120',
    );
  });
});
