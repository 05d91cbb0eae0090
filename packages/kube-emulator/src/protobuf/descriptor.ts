import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';

/** The Go modules whose generated.proto files the descriptor is made of (see generate.ts). */
export const K8S_MODULES = {
  'k8s.io/api': 'v0.36.5',
  'k8s.io/apimachinery': 'v0.36.5',
  'k8s.io/apiextensions-apiserver': 'v0.36.5',
};

/** gnostic's OpenAPI v2 messages, at the version k8s.io/kube-openapi of Kubernetes 1.36 requires. */
export const GNOSTIC_MODULE = {
  'github.com/google/gnostic-models': 'v0.7.0',
};

// The descriptor sits next to the sources, which run untranspiled from the repository.
// eslint-disable-next-line no-restricted-syntax
export const DESCRIPTOR_FILE = join(__dirname, 'kubernetes.json');

/** The protobuf types of the built-in kinds, and the proto package of each API group version. */
export interface KubernetesProtos {
  root: protobuf.Root;
  /** `apps/v1` → `k8s.io.api.apps.v1`; the core group is `v1`. */
  packages: Record<string, string>;
  /** gnostic's openapi.v2 messages (the protobuf of `/openapi/v2`). */
  openapiV2: protobuf.Root;
}

let loaded: KubernetesProtos | undefined;

export function kubernetesProtos(): KubernetesProtos {
  if (!loaded) {
    const { descriptor, groupVersions, openapiV2 } = JSON.parse(
      readFileSync(DESCRIPTOR_FILE, 'utf8'),
    );
    const root = protobuf.Root.fromJSON(descriptor);
    root.resolveAll();
    const v2 = protobuf.Root.fromJSON(openapiV2);
    v2.resolveAll();
    loaded = { root, packages: groupVersions, openapiV2: v2 };
  }
  return loaded;
}
