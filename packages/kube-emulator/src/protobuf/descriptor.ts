import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';

/** The Go modules whose generated.proto files the descriptor is made of (see generate.ts). */
export const K8S_MODULES = {
  'k8s.io/api': 'v0.36.5',
  'k8s.io/apimachinery': 'v0.36.5',
  'k8s.io/apiextensions-apiserver': 'v0.36.5',
};

// The descriptor sits next to the sources, which run untranspiled from the repository.
// eslint-disable-next-line no-restricted-syntax
export const DESCRIPTOR_FILE = join(__dirname, 'kubernetes.json');

/** The protobuf types of the built-in kinds, and the proto package of each API group version. */
export interface KubernetesProtos {
  root: protobuf.Root;
  /** `apps/v1` → `k8s.io.api.apps.v1`; the core group is `v1`. */
  packages: Record<string, string>;
}

let loaded: KubernetesProtos | undefined;

export function kubernetesProtos(): KubernetesProtos {
  if (!loaded) {
    const { descriptor, groupVersions } = JSON.parse(
      readFileSync(DESCRIPTOR_FILE, 'utf8'),
    );
    const root = protobuf.Root.fromJSON(descriptor);
    root.resolveAll();
    loaded = { root, packages: groupVersions };
  }
  return loaded;
}
