import {
  KARS_API_GROUP_VERSION,
  KARS_CREDENTIALS_FIELD_MANAGER,
  KARS_FIELD_MANAGER,
  KARS_SANDBOX_KIND,
  PreflightCheck,
} from '@kars-portal/plugin-kars-common';
import { KubeGateway, KubeObject } from '@kars-portal/plugin-kars-node';

/** The field managers of kars portal itself. */
const OUR_MANAGERS = [KARS_FIELD_MANAGER, KARS_CREDENTIALS_FIELD_MANAGER];

/** The kars controller's Deployment, as kars's Helm chart names it. */
export const KARS_CONTROLLER_DEPLOYMENT = 'kars-controller';

/** The one Lease of kars portal replicas from before reconciling was sharded. */
export const SINGLE_RECONCILER_LEASE = 'kars-portal-reconciler';

interface Lease {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    renewTime?: string;
  };
}

/** Whether a Lease is held now: it has a holder and was renewed within its duration. Pure. */
export function isHeld(lease: Lease | undefined, now: number): boolean {
  const spec = lease?.spec;
  if (!spec?.holderIdentity || !spec.renewTime) return false;
  return (
    Date.parse(spec.renewTime) + (spec.leaseDurationSeconds ?? 15) * 1000 > now
  );
}

/**
 * Refuses a cluster where another kars controller already owns KarsSandbox objects: its Deployment
 * runs in the operator namespace, someone other than kars portal writes sandbox status, or a
 * replica of an earlier kars portal reconciles every sandbox under the one Lease it holds (during
 * a rolling upgrade: the sharded replicas wait until it is gone).
 */
export async function checkNoOtherController(
  gateway: KubeGateway,
  operatorNamespace: string,
  now: number = Date.now(),
): Promise<PreflightCheck> {
  const name = 'no-other-kars-controller';
  const single = await gateway.get<Lease & KubeObject>({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    name: SINGLE_RECONCILER_LEASE,
    namespace: operatorNamespace,
  });
  if (isHeld(single, now)) {
    return {
      name,
      ok: false,
      message: `${
        single!.spec!.holderIdentity
      }, a kars portal replica of an earlier version, reconciles every sandbox here (Lease ${operatorNamespace}/${SINGLE_RECONCILER_LEASE}); this replica waits until it stops`,
    };
  }
  const controller = await gateway.get({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: KARS_CONTROLLER_DEPLOYMENT,
    namespace: operatorNamespace,
  });
  if (controller) {
    return {
      name,
      ok: false,
      message: `the kars controller (Deployment ${operatorNamespace}/${KARS_CONTROLLER_DEPLOYMENT}) owns KarsSandbox objects on this cluster; kars portal will not reconcile here`,
    };
  }
  const sandboxes = await gateway.list(
    KARS_API_GROUP_VERSION,
    KARS_SANDBOX_KIND,
    {
      namespace: operatorNamespace,
    },
  );
  for (const sandbox of sandboxes.items) {
    const managedFields = (sandbox.metadata.managedFields ?? []) as Array<{
      manager?: string;
      subresource?: string;
    }>;
    const foreign = managedFields.find(
      f =>
        f.subresource === 'status' &&
        f.manager &&
        !OUR_MANAGERS.includes(f.manager),
    );
    if (foreign) {
      return {
        name,
        ok: false,
        message: `KarsSandbox ${sandbox.metadata.name} has its status written by ${foreign.manager}, another controller; kars portal will not reconcile here`,
      };
    }
  }
  return {
    name,
    ok: true,
    message: 'no other kars controller owns KarsSandbox objects here',
  };
}
