import { Obj } from './kube';
import { parseQuantity } from './scheduler';

/** A taint as on a Node's spec. */
export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A pool of identical simulated nodes. */
export interface NodePool {
  /** Nodes are named `<name>-0`, `<name>-1`, ... */
  name: string;
  nodes: number;
  labels: Record<string, string>;
  taints: Taint[];
  /** The runtime handlers its container runtime offers (status.runtimeHandlers). */
  runtimeHandlers: string[];
  /** node.kubernetes.io/instance-type */
  instanceType: string;
  capacity: { cpu: string; memory: string; pods: string };
}

/** The label and annotation that mark the nodes the simulator plays the kubelet of. */
export const SIMULATED_NODE_LABEL = 'workload-simulator.kars.azure.com/node';
/** kwok manages the nodes carrying this annotation (`--manage-nodes-with-annotation-selector`). */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

/** Where the renderer sends a sandbox (kars-common NODE_POOLS, KARS_LABELS.pool). */
const POOL_LABEL = 'kars.azure.com/pool';
/** The taint every sandbox pod tolerates (kars-common SANDBOX_TOLERATION). */
const SANDBOX_TAINT: Taint = {
  key: 'kars.azure.com/sandbox',
  value: 'true',
  effect: 'NoSchedule',
};
/** kata-deploy's label of a node whose containerd has the Kata handlers. */
export const KATA_RUNTIME_LABEL = 'katacontainers.io/kata-runtime';

/**
 * The pools of a kars cluster: `sandbox`, the default pool for standard and enhanced sandboxes,
 * and `sandbox-kata` for confidential ones, whose nodes offer the `kata` handler of the
 * `kata-vm-isolation` RuntimeClass (deploy/31-runtimeclass-kata.yaml). Both carry the taint the
 * renderer's pods tolerate, so only sandboxes land there.
 */
export const DEFAULT_NODE_POOLS: NodePool[] = [
  {
    name: 'sandbox',
    nodes: 2,
    labels: { [POOL_LABEL]: 'sandbox' },
    taints: [SANDBOX_TAINT],
    runtimeHandlers: ['runc'],
    instanceType: 'Standard_D4s_v5',
    capacity: { cpu: '4', memory: '16Gi', pods: '110' },
  },
  {
    name: 'sandbox-kata',
    nodes: 1,
    labels: { [POOL_LABEL]: 'sandbox-kata', [KATA_RUNTIME_LABEL]: 'true' },
    taints: [SANDBOX_TAINT],
    runtimeHandlers: ['runc', 'kata'],
    instanceType: 'Standard_DC4as_cc_v5',
    capacity: { cpu: '4', memory: '16Gi', pods: '110' },
  },
];

/** One node of the pools, in order, with the /24 its pods get addresses from. */
export interface PlannedNode {
  name: string;
  pool: NodePool;
  /** 0-based, across all pools: the node's address is 10.224.0.<4+index>, its pods' 10.244.<index>.0/24. */
  index: number;
}

export function plannedNodes(pools: NodePool[]): PlannedNode[] {
  let index = 0;
  return pools.flatMap(pool =>
    Array.from({ length: pool.nodes }, (_, i) => ({
      name: `${pool.name}-${i}`,
      pool,
      index: index++,
    })),
  );
}

export const nodeAddress = (index: number) => `10.224.0.${4 + index}`;
export const podCidr = (index: number) => `10.244.${index}.0/24`;

/** The memory the kubelet of a 16 GiB AKS node keeps for the system and evictions, in KiB. */
const RESERVED_MEMORY_KI = 16 * 1024 * 1024 - 12698884;

/** What a node of the pool has, and what the kubelet leaves for pods (system and eviction reserves). */
function resources(pool: NodePool) {
  const { capacity } = pool;
  const memoryKi = Math.floor(parseQuantity(capacity.memory) / 1024);
  return {
    capacity: { ...capacity, 'ephemeral-storage': '129886128Ki' },
    allocatable: {
      cpu: `${Number(capacity.cpu) * 1000 - 140}m`,
      memory: `${Math.max(0, memoryKi - RESERVED_MEMORY_KI)}Ki`,
      pods: capacity.pods,
      'ephemeral-storage': '119703055367',
    },
  };
}

/**
 * The Node object to create. The simulator's own nodes carry {@link SIMULATED_NODE_LABEL} and get
 * their status from {@link readyNodeStatus}; kwok's carry its annotation and their capacity, and
 * kwok writes the rest of their status.
 */
export function nodeManifest(
  node: PlannedNode,
  options: { kwok?: boolean } = {},
): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': node.pool.instanceType,
        'kubernetes.azure.com/agentpool': node.pool.name.replace(/-/g, ''),
        ...(options.kwok
          ? { type: 'kwok' }
          : { [SIMULATED_NODE_LABEL]: 'true' }),
        ...node.pool.labels,
      },
      ...(options.kwok
        ? { annotations: { [KWOK_NODE_ANNOTATION]: 'fake' } }
        : {}),
    },
    spec: {
      podCIDR: podCidr(node.index),
      podCIDRs: [podCidr(node.index)],
      taints: node.pool.taints.map(t => ({ ...t })),
    },
    ...(options.kwok ? { status: resources(node.pool) } : {}),
  };
}

const condition = (
  type: string,
  status: string,
  reason: string,
  message: string,
  at: string,
) => ({
  type,
  status,
  lastHeartbeatTime: at,
  lastTransitionTime: at,
  reason,
  message,
});

/** The status a healthy kubelet reports for a node. */
export function readyNodeStatus(
  node: PlannedNode,
  now: Date,
  kubeletPort: number,
): Obj {
  const at = now.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    ...resources(node.pool),
    conditions: [
      condition(
        'MemoryPressure',
        'False',
        'KubeletHasSufficientMemory',
        'kubelet has sufficient memory available',
        at,
      ),
      condition(
        'DiskPressure',
        'False',
        'KubeletHasNoDiskPressure',
        'kubelet has no disk pressure',
        at,
      ),
      condition(
        'PIDPressure',
        'False',
        'KubeletHasSufficientPID',
        'kubelet has sufficient PID available',
        at,
      ),
      condition(
        'Ready',
        'True',
        'KubeletReady',
        'kubelet is posting ready status',
        at,
      ),
    ],
    addresses: [
      { type: 'InternalIP', address: nodeAddress(node.index) },
      { type: 'Hostname', address: node.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: '5.15.0-1079-azure',
      osImage: 'Ubuntu 22.04.5 LTS',
      containerRuntimeVersion: 'containerd://1.7.27-1',
      kubeletVersion: 'v1.36.5',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
    runtimeHandlers: [
      {
        name: '',
        features: { recursiveReadOnlyMounts: true, userNamespaces: true },
      },
      ...node.pool.runtimeHandlers.map(name => ({
        name,
        features: { recursiveReadOnlyMounts: true, userNamespaces: true },
      })),
    ],
  };
}

/** Whether a node reports Ready. */
export const isReady = (node: Obj) =>
  (node.status?.conditions ?? []).some(
    (c: Obj) => c.type === 'Ready' && c.status === 'True',
  );
