import { NotFoundError } from '@backstage/errors';
import {
  KARS_API_GROUP_VERSION,
  KARS_SANDBOX_KIND,
  Sandbox,
} from '@kars-portal/plugin-kars-common';
import { ClusterConnection } from './ClusterConnection';
import { KarsSandboxObject, toSandbox } from './sandboxObject';

/** Where a sandbox lives: its cluster and its KarsSandbox as that cluster's watch cache holds it. */
export interface Located {
  cluster: ClusterConnection;
  object: KarsSandboxObject;
}

/** The reference of a sandbox's KarsSandbox object on a cluster. */
export function sandboxRef(cluster: ClusterConnection, name: string) {
  return {
    apiVersion: KARS_API_GROUP_VERSION,
    kind: KARS_SANDBOX_KIND,
    name,
    namespace: cluster.config.settings.operatorNamespace,
  };
}

/**
 * The fleet: every cluster the backend works with, and which of them holds a sandbox, read from
 * their watch caches (a sandbox name is unique across the fleet).
 */
export class FleetIndex {
  /**
   * The sandbox of each cached object, read once per object: the watch cache replaces an object on
   * every change and never edits one in place, so an object's identity stands for its version.
   */
  private readonly readSandboxes = new WeakMap<object, Sandbox>();

  constructor(readonly clusters: readonly ClusterConnection[]) {}

  /** The cluster new sandboxes go to: the one configured as default, else the first. */
  get defaultCluster(): ClusterConnection {
    return this.clusters.find(c => c.config.default) ?? this.clusters[0];
  }

  /** The cluster of this name, if the fleet has one. */
  cluster(name: string): ClusterConnection | undefined {
    return this.clusters.find(c => c.name === name);
  }

  /** Where a sandbox lives, from the caches. */
  locate(name: string): Located | undefined {
    for (const cluster of this.clusters) {
      const object = cluster.sandboxes.get(
        name,
        cluster.config.settings.operatorNamespace,
      );
      if (object) return { cluster, object };
    }
    return undefined;
  }

  /** Where a sandbox lives, or a 404. */
  mustLocate(name: string): Located {
    const found = this.locate(name);
    if (!found) throw new NotFoundError(`no sandbox named ${name}`);
    return found;
  }

  /** The sandbox of this name, if any cluster holds it. */
  find(name: string): Sandbox | undefined {
    const found = this.locate(name);
    return found && toSandbox(found.object, found.cluster.name);
  }

  /** The sandbox of this name, or a 404. */
  getSandbox(name: string): Sandbox {
    const { cluster, object } = this.mustLocate(name);
    return toSandbox(object, cluster.name);
  }

  /** Every sandbox on every cluster. */
  allSandboxes(): Sandbox[] {
    return this.clusters.flatMap(c =>
      c.sandboxes.list().map(o => {
        let sandbox = this.readSandboxes.get(o);
        if (!sandbox || sandbox.cluster !== c.name) {
          sandbox = toSandbox(o, c.name);
          this.readSandboxes.set(o, sandbox);
        }
        return sandbox;
      }),
    );
  }
}
