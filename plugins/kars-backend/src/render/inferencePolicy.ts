import {
  INFERENCE_POLICY_KIND,
  InferencePolicySpec,
  KARS_API_GROUP_VERSION,
  KARS_LABELS,
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { ownedLabels } from './labels';
import { RenderInput } from './types';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/**
 * The sandbox's own InferencePolicy: its model, token budgets and content-safety thresholds,
 * enforced by its own router. `devOnly` becomes the label the admission policy judges.
 */
export function renderInferencePolicy({ name, spec }: RenderInput): KubeObject {
  const { devOnly, ...thresholds } = spec.contentSafety;
  const policySpec: InferencePolicySpec = {
    appliesTo: { sandboxName: name, action: '*' },
    provider: 'azure-openai',
    modelPreference: { primary: { deployment: spec.model } },
    tokenBudget: { ...spec.tokenBudget },
    contentSafety: thresholds,
    displayName: `${name} inference policy`,
  };
  return {
    apiVersion: KARS_API_GROUP_VERSION,
    kind: INFERENCE_POLICY_KIND,
    metadata: {
      name: sandboxObjectNames(name).inferencePolicy,
      namespace: sandboxNamespace(name),
      labels: {
        ...ownedLabels(name),
        ...(devOnly ? { [KARS_LABELS.devOnly]: 'true' } : {}),
      },
    },
    spec: policySpec,
  };
}
