import {
  canonicalizeResourceList,
  canonicalQuantity,
} from '../../api/quantity';
import { JsonObject, ListType } from '../../api/types';

/** Whether an image reference resolves to `:latest` (explicitly or by having no tag or digest). */
export function isLatestImage(image: string): boolean {
  if (image.includes('@')) return false;
  const lastSlash = image.lastIndexOf('/');
  const lastColon = image.lastIndexOf(':');
  if (lastColon <= lastSlash) return true;
  return image.slice(lastColon + 1) === 'latest';
}

const defaultHandler = (handler: JsonObject | undefined) => {
  const http = handler?.httpGet;
  if (http) {
    http.path ??= '/';
    http.scheme ??= 'HTTP';
  }
};

const defaultProbe = (probe: JsonObject | undefined) => {
  if (!probe) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  defaultHandler(probe);
};

const defaultFieldRef = (fieldRef: JsonObject | undefined) => {
  if (fieldRef) fieldRef.apiVersion ??= 'v1';
};

function defaultContainer(c: JsonObject, hostNetwork: boolean) {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (typeof c.image === 'string') {
    c.imagePullPolicy ??= isLatestImage(c.image) ? 'Always' : 'IfNotPresent';
  }
  c.resources ??= {};
  canonicalizeResourceList(c.resources.limits);
  canonicalizeResourceList(c.resources.requests);
  for (const port of c.ports ?? []) {
    port.protocol ??= 'TCP';
    if (hostNetwork) port.hostPort ??= port.containerPort;
  }
  for (const env of c.env ?? []) defaultFieldRef(env.valueFrom?.fieldRef);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHandler(c.lifecycle?.postStart);
  defaultHandler(c.lifecycle?.preStop);
}

const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

function defaultVolume(v: JsonObject) {
  if (!VOLUME_SOURCES.some(s => v[s] !== undefined)) v.emptyDir = {};
  if (v.configMap) v.configMap.defaultMode ??= 420;
  if (v.secret) v.secret.defaultMode ??= 420;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= 420;
    for (const item of v.downwardAPI.items ?? [])
      defaultFieldRef(item.fieldRef);
  }
  if (v.projected) {
    v.projected.defaultMode ??= 420;
    for (const src of v.projected.sources ?? []) {
      for (const item of src.downwardAPI?.items ?? [])
        defaultFieldRef(item.fieldRef);
      if (src.serviceAccountToken)
        src.serviceAccountToken.expirationSeconds ??= 3600;
    }
  }
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.emptyDir?.sizeLimit !== undefined)
    v.emptyDir.sizeLimit = canonicalQuantity(v.emptyDir.sizeLimit);
  if (v.iscsi) v.iscsi.iscsiInterface ??= 'default';
  if (v.azureDisk) {
    v.azureDisk.cachingMode ??= 'ReadWrite';
    v.azureDisk.fsType ??= 'ext4';
    v.azureDisk.readOnly ??= false;
    v.azureDisk.kind ??= 'Shared';
  }
}

/** The defaults kube-apiserver fills into a PodSpec (core/v1 SetDefaults_PodSpec and friends). */
export function defaultPodSpec(spec: JsonObject) {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  if (spec.serviceAccountName && !spec.serviceAccount)
    spec.serviceAccount = spec.serviceAccountName;
  if (spec.serviceAccount && !spec.serviceAccountName)
    spec.serviceAccountName = spec.serviceAccount;
  canonicalizeResourceList(spec.overhead);
  const hostNetwork = spec.hostNetwork === true;
  for (const c of spec.initContainers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.containers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.ephemeralContainers ?? [])
    defaultContainer(c, hostNetwork);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** Defaults of a pod template (metadata plus spec). */
export function defaultPodTemplate(template: JsonObject | undefined) {
  if (!template) return;
  template.spec ??= {};
  defaultPodSpec(template.spec);
}

const map = (keys: string[], mergeKey = keys[0]): ListType => ({
  type: 'map',
  keys,
  mergeKey,
});

/** List semantics inside a PodSpec, by path relative to the spec. */
export function podSpecListType(path: string[]): ListType | undefined {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (path.length === 1) {
    switch (last) {
      case 'containers':
      case 'initContainers':
      case 'ephemeralContainers':
      case 'volumes':
      case 'imagePullSecrets':
      case 'resourceClaims':
      case 'schedulingGates':
        return map(['name']);
      case 'hostAliases':
        return map(['ip']);
      case 'topologySpreadConstraints':
        return map(['topologyKey', 'whenUnsatisfiable'], 'topologyKey');
      default:
        return undefined;
    }
  }
  if (
    path.length === 2 &&
    ['containers', 'initContainers', 'ephemeralContainers'].includes(parent)
  ) {
    switch (last) {
      case 'ports':
        return map(['containerPort', 'protocol'], 'containerPort');
      case 'env':
        return map(['name']);
      case 'volumeMounts':
        return map(['mountPath']);
      case 'volumeDevices':
        return map(['devicePath']);
      default:
        return undefined;
    }
  }
  return undefined;
}
