import { DEFAULT_NODE_POOLS, plannedNodes, readyNodeStatus } from './nodes';
import { Obj } from './kube';
import {
  addToNode,
  nodeUsage,
  parseQuantity,
  podRequests,
  schedulePod,
} from './scheduler';
import { SANDBOX_TOLERATION } from './__testUtils__/cluster';

/** The nodes of the default pools as the simulator runs them: Ready, their pool's taint only. */
const nodes = (pools = DEFAULT_NODE_POOLS): Obj[] =>
  plannedNodes(pools).map(n => ({
    metadata: { name: n.name, labels: n.pool.labels },
    spec: { taints: n.pool.taints },
    status: readyNodeStatus(n, new Date(0), 10250),
  }));

const pod = (spec: Obj): Obj => ({
  metadata: { name: 'p', namespace: 'n', uid: 'u' },
  spec: {
    tolerations: [SANDBOX_TOLERATION],
    containers: [
      { name: 'c', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
    ],
    ...spec,
  },
});

const KATA_RUNTIME_CLASS = {
  metadata: { name: 'kata-vm-isolation' },
  handler: 'kata',
  scheduling: {
    nodeSelector: { 'kars.azure.com/pool': 'sandbox-kata' },
    tolerations: [SANDBOX_TOLERATION],
  },
};

describe('schedulePod', () => {
  it('puts a sandbox on the least loaded node of its pool', () => {
    const standard = pod({
      nodeSelector: { 'kars.azure.com/pool': 'sandbox' },
    });
    expect(
      schedulePod({ pod: standard, nodes: nodes(), usage: new Map() }),
    ).toEqual({
      node: 'sandbox-0',
    });
    const onFirst = {
      ...standard,
      spec: { ...standard.spec, nodeName: 'sandbox-0' },
    };
    expect(
      schedulePod({
        pod: standard,
        nodes: nodes(),
        usage: nodeUsage([onFirst]),
      }),
    ).toEqual({ node: 'sandbox-1' });
  });

  it("puts a confidential sandbox on sandbox-kata by its pod's selector or by its RuntimeClass's", () => {
    expect(
      schedulePod({
        pod: pod({ nodeSelector: { 'kars.azure.com/pool': 'sandbox-kata' } }),
        nodes: nodes(),
        usage: new Map(),
      }),
    ).toEqual({ node: 'sandbox-kata-0' });
    expect(
      schedulePod({
        pod: pod({ runtimeClassName: 'kata-vm-isolation' }),
        nodes: nodes(),
        usage: new Map(),
        runtimeClass: KATA_RUNTIME_CLASS,
      }),
    ).toEqual({ node: 'sandbox-kata-0' });
  });

  // The messages are kube-scheduler v1.36.5's, as kwok's control plane shows them (test-kit's
  // clusterTargets.test.ts compares the first two with the real scheduler's events).
  it.each([
    [
      'no node of the pool',
      pod({ nodeSelector: { 'kars.azure.com/pool': 'sandbox-gpu' } }),
      undefined,
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    ],
    [
      'more memory than any node has (the unschedulable fault)',
      pod({ nodeSelector: { 'kars.azure.com/pool': 'sandbox' } }),
      { kind: 'unschedulable' as const },
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    ],
    [
      'no toleration of the sandbox taint',
      pod({ tolerations: [] }),
      undefined,
      '0/3 nodes are available: 3 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    ],
  ])('says why it cannot place a pod: %s', (_, p, fault, message) => {
    expect(
      schedulePod({ pod: p, nodes: nodes(), usage: new Map(), fault }),
    ).toEqual({
      message,
    });
  });

  it('says preemption found no victims when the pool is full of pods that fit (all of the same priority)', () => {
    const big = pod({
      nodeSelector: { 'kars.azure.com/pool': 'sandbox' },
      containers: [{ name: 'c', resources: { requests: { memory: '7Gi' } } }],
    });
    const bound = ['sandbox-0', 'sandbox-1'].map(nodeName => ({
      ...big,
      spec: { ...big.spec, nodeName },
    }));
    expect(
      schedulePod({ pod: big, nodes: nodes(), usage: nodeUsage(bound) }),
    ).toEqual({
      message:
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
    });
  });

  it('leaves out a node that is not Ready, and says so when there is no node at all', () => {
    const [notReady, ...rest] = nodes();
    notReady.status.conditions = [];
    expect(
      schedulePod({
        pod: pod({ nodeSelector: { 'kars.azure.com/pool': 'sandbox' } }),
        nodes: [notReady, ...rest],
        usage: new Map(),
      }),
    ).toEqual({ node: 'sandbox-1' });
    expect(schedulePod({ pod: pod({}), nodes: [], usage: new Map() })).toEqual({
      message: 'no nodes available to schedule pods',
    });
  });
});

describe('nodeUsage', () => {
  it('sums what the pods on each node ask, leaving out unbound pods and pods that ended', () => {
    const asking = (nodeName: string | undefined, phase = 'Running') => ({
      ...pod({ ...(nodeName ? { nodeName } : {}) }),
      status: { phase },
    });
    const usage = nodeUsage([
      asking('sandbox-0'),
      asking('sandbox-0'),
      asking('sandbox-0', 'Succeeded'),
      asking('sandbox-1', 'Failed'),
      asking(undefined),
    ]);
    expect([...usage]).toEqual([
      ['sandbox-0', { pods: 2, cpu: 1, memory: 2 * 2 ** 30 }],
    ]);
  });

  it('lets the last free pod slot of a node go to one pod only', () => {
    const one = plannedNodes([
      {
        ...DEFAULT_NODE_POOLS[0],
        nodes: 1,
        capacity: { cpu: '64', memory: '256Gi', pods: '2' },
      },
    ]).map(n => ({
      metadata: { name: n.name, labels: n.pool.labels },
      spec: { taints: n.pool.taints },
      status: readyNodeStatus(n, new Date(0), 10250),
    }));
    const standard = pod({
      nodeSelector: { 'kars.azure.com/pool': 'sandbox' },
    });
    const usage = nodeUsage([
      { ...standard, spec: { ...standard.spec, nodeName: 'sandbox-0' } },
    ]);
    expect(schedulePod({ pod: standard, nodes: one, usage })).toEqual({
      node: 'sandbox-0',
    });
    addToNode(usage, 'sandbox-0', podRequests(standard));
    expect(schedulePod({ pod: standard, nodes: one, usage })).toEqual({
      message: expect.stringContaining('1 Too many pods'),
    });
  });
});

describe('podRequests and parseQuantity', () => {
  it('count the larger of the init containers and the containers, plus the overhead', () => {
    expect(
      podRequests({
        spec: {
          overhead: { cpu: '250m', memory: '160Mi' },
          initContainers: [
            { resources: { requests: { cpu: '2', memory: '16Mi' } } },
          ],
          containers: [
            { resources: { requests: { cpu: '500m', memory: '1Gi' } } },
            { resources: { requests: { cpu: '100m', memory: '64Mi' } } },
          ],
        },
      }),
    ).toEqual({ cpu: 2.25, memory: (1024 + 64 + 160) * 2 ** 20 });
    expect(
      ['1k', '12698884Ki', '1.5', '100m', '2e3', 'x'].map(parseQuantity),
    ).toEqual([1000, 12698884 * 1024, 1.5, 0.1, 2000, 0]);
  });
});
