import { canonicalizeResourceList } from '../../api/quantity';
import {
  JsonObject,
  KubeObject,
  ListType,
  ResourceType,
} from '../../api/types';
import { builtin, listTypes } from './builtin';
import { ageColumn, col, nameColumn } from './columns';

const NODE_INFO = [
  'machineID',
  'systemUUID',
  'bootID',
  'kernelVersion',
  'osImage',
  'containerRuntimeVersion',
  'kubeletVersion',
  'kubeProxyVersion',
  'operatingSystem',
  'architecture',
];

/** SetDefaults_NodeStatus, plus the structs Go always serialises (nodeInfo, daemonEndpoints). */
function defaultNode(obj: KubeObject) {
  obj.spec ??= {};
  const status = (obj.status ??= {});
  canonicalizeResourceList(status.capacity);
  canonicalizeResourceList(status.allocatable);
  if (status.capacity && !status.allocatable)
    status.allocatable = { ...status.capacity };
  const endpoints = (status.daemonEndpoints ??= {});
  (endpoints.kubeletEndpoint ??= {}).Port ??= 0;
  const info = (status.nodeInfo ??= {});
  for (const k of NODE_INFO) info[k] ??= '';
}

const NOT_READY = 'node.kubernetes.io/not-ready';

/** The TaintNodesByCondition admission plugin: a new node is not ready until its kubelet says so. */
function taintNewNode(obj: KubeObject) {
  const taints: JsonObject[] = obj.spec.taints ?? [];
  if (!taints.some(t => t.key === NOT_READY && t.effect === 'NoSchedule'))
    obj.spec.taints = [...taints, { key: NOT_READY, effect: 'NoSchedule' }];
}

function nodeStatusCell(o: KubeObject): string {
  const ready = (o.status?.conditions ?? []).find(
    (c: JsonObject) => c.type === 'Ready',
  );
  const status = ready
    ? [ready.status === 'True' ? 'Ready' : 'NotReady']
    : ['Unknown'];
  if (o.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(String(v));
  }
  return [...roles].sort().join(',') || '<none>';
}

const address = (o: KubeObject, type: string) =>
  (o.status?.addresses ?? []).find((a: JsonObject) => a.type === type)
    ?.address ?? '<none>';

const infoCell = (o: KubeObject, k: string) =>
  o.status?.nodeInfo?.[k] || '<unknown>';

const nodeListTypes = listTypes(undefined, (p): ListType | undefined => {
  if (p.length === 2 && p[0] === 'status' && p[1] === 'addresses')
    return { type: 'map', keys: ['type'], mergeKey: 'type' };
  if (p.length === 2 && p[0] === 'status' && p[1] === 'images')
    return { type: 'atomic' };
  return undefined;
});

/** core/v1 Node (cluster-scoped), with its status subresource. */
export function nodeType(): ResourceType {
  return builtin({
    group: '',
    version: 'v1',
    kind: 'Node',
    topLevelFields: ['spec', 'status'],
    plural: 'nodes',
    namespaced: false,
    shortNames: ['no'],
    statusSubresource: true,
    implicitStructs: [
      ['spec'],
      ['status'],
      ['status', 'daemonEndpoints'],
      ['status', 'daemonEndpoints', 'kubeletEndpoint'],
      ['status', 'nodeInfo'],
    ],
    defaults: defaultNode,
    allocate: taintNewNode,
    listTypeAt: nodeListTypes,
    printerColumns: [
      nameColumn,
      col('Status', nodeStatusCell, { description: 'The status of the node' }),
      col('Roles', nodeRoles, { description: 'The roles of the node' }),
      ageColumn,
      col('Version', o => o.status?.nodeInfo?.kubeletVersion ?? '', {
        description: 'Kubelet Version reported by the node.',
      }),
      col('Internal-IP', o => address(o, 'InternalIP'), {
        priority: 1,
        description: 'List of addresses reachable to the node.',
      }),
      col('External-IP', o => address(o, 'ExternalIP'), {
        priority: 1,
        description: 'List of addresses reachable to the node.',
      }),
      col('OS-Image', o => infoCell(o, 'osImage'), {
        priority: 1,
        description: 'OS Image reported by the node from /etc/os-release.',
      }),
      col(
        'Kernel-Version',
        o =>
          infoCell(o, 'kernelVersion') +
          (o.status?.nodeInfo?.architecture
            ? ` (${o.status.nodeInfo.architecture})`
            : ''),
        {
          priority: 1,
          description: "Kernel Version reported by the node from 'uname -r'.",
        },
      ),
      col('Container-Runtime', o => infoCell(o, 'containerRuntimeVersion'), {
        priority: 1,
        description:
          'ContainerRuntime Version reported by the node through runtime remote API.',
      }),
    ],
    selectableFields: {
      'spec.unschedulable': o => String(Boolean(o.spec?.unschedulable)),
    },
  });
}
