import {
  KARS_API_GROUP_VERSION,
  KARS_CREDENTIALS_FIELD_MANAGER,
  KARS_FIELD_MANAGER,
  KARS_SANDBOX_KIND,
  PreflightCheck,
} from '@kars-portal/plugin-kars-common';
import { KubeGateway } from '@kars-portal/plugin-kars-node';

/** The field managers of kars portal itself. */
const OUR_MANAGERS = [KARS_FIELD_MANAGER, KARS_CREDENTIALS_FIELD_MANAGER];

/** The kars controller's Deployment, as kars's Helm chart names it. */
export const KARS_CONTROLLER_DEPLOYMENT = 'kars-controller';

/**
 * Refuses a cluster where another kars controller already owns KarsSandbox objects: its Deployment
 * runs in the operator namespace, or someone other than kars portal writes sandbox status.
 */
export async function checkNoOtherController(
  gateway: KubeGateway,
  operatorNamespace: string,
): Promise<PreflightCheck> {
  const name = 'no-other-kars-controller';
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
