import {
  DeleteSandboxDryRunResponse,
  Sandbox,
  sandboxNamespace,
} from '@kars-portal/plugin-kars-common';
import { FleetIndex, Located, sandboxRef } from '../FleetIndex';
import { awaitGone } from '../readYourWrites';
import { isOwnNamespace, toSandbox } from '../sandboxObject';
import { SandboxCommand } from './SandboxCommand';

/** A delete, admitted: the sandbox as the watch cache held it. */
export interface DeletePlan extends Located {
  name: string;
}

/**
 * `DELETE /sandboxes/:name`: deletes the KarsSandbox, guarded by its uid (a sandbox made again
 * under the same name is not taken); the reconciler's finalizer takes its namespace and everything
 * in it. The dry run says what would go, by the finalizer's rule.
 */
export class DeleteSandbox
  implements
    SandboxCommand<
      { name: string },
      DeletePlan,
      Sandbox,
      DeleteSandboxDryRunResponse
    >
{
  readonly action = 'delete';

  constructor(private readonly fleet: FleetIndex) {}

  async admit(input: { name: string }): Promise<DeletePlan> {
    return { name: input.name, ...this.fleet.mustLocate(input.name) };
  }

  target(plan: DeletePlan) {
    return { sandbox: plan.name, cluster: plan.cluster.name };
  }

  async execute(plan: DeletePlan): Promise<Sandbox> {
    const { name, cluster, object } = plan;
    await cluster.gateway.delete(sandboxRef(cluster, name), {
      preconditions: { uid: String(object.metadata.uid) },
      propagationPolicy: 'Background',
    });
    await awaitGone(cluster, name);
    const after = cluster.sandboxes.get(
      name,
      cluster.config.settings.operatorNamespace,
    );
    return after
      ? toSandbox(after, cluster.name)
      : { ...toSandbox(object, cluster.name), deleting: true };
  }

  /**
   * What a delete would take, deleting nothing: the tenant namespace with everything in it when kars
   * portal made it for this sandbox (the finalizer's rule), then the KarsSandbox.
   */
  async dryRun(plan: DeletePlan): Promise<DeleteSandboxDryRunResponse> {
    const { name, cluster, object } = plan;
    const namespaceName = sandboxNamespace(name);
    const namespace = await cluster.gateway.get({
      apiVersion: 'v1',
      kind: 'Namespace',
      name: namespaceName,
    });
    const deleted = Boolean(namespace && isOwnNamespace(namespace, object));
    const ref = sandboxRef(cluster, name);
    return {
      dryRun: true,
      name,
      cluster: cluster.name,
      deleting: Boolean(object.metadata.deletionTimestamp),
      namespace: { name: namespaceName, exists: Boolean(namespace), deleted },
      objects: [
        ...(deleted
          ? [{ apiVersion: 'v1', kind: 'Namespace', name: namespaceName }]
          : []),
        {
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          name: ref.name,
          namespace: ref.namespace,
        },
      ],
    };
  }

  describe(_result: Sandbox, plan: DeletePlan) {
    return `deleted from ${plan.cluster.name}`;
  }
}
