import {
  KARS_LABEL_VALUES,
  KARS_LABELS,
} from '@kars-portal/plugin-kars-common';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/** Selects every object the reconciler made, and the pods of its Deployments. */
export const OWNED_SELECTOR = `${KARS_LABELS.managedBy}=${KARS_LABEL_VALUES.managedBy}`;

/** The pods of one sandbox among those of every sandbox. Pure. */
export const podsOfSandbox = (
  pods: KubeObject[],
  name: string,
  namespace: string,
) =>
  pods.filter(
    p =>
      p.metadata.namespace === namespace &&
      p.metadata.labels?.[KARS_LABELS.sandbox] === name,
  );
