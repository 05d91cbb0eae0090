import {
  KARS_LABEL_VALUES,
  KARS_LABELS,
} from '@kars-portal/plugin-kars-common';

/** Labels on every object made for a sandbox; the reconciler finds its objects by these. */
export function ownedLabels(name: string): Record<string, string> {
  return {
    [KARS_LABELS.appName]: KARS_LABEL_VALUES.appName,
    [KARS_LABELS.managedBy]: KARS_LABEL_VALUES.managedBy,
    [KARS_LABELS.sandbox]: name,
  };
}

/** The labels that select a sandbox's pod. */
export function podSelectorLabels(name: string): Record<string, string> {
  return {
    [KARS_LABELS.sandbox]: name,
    [KARS_LABELS.component]: KARS_LABEL_VALUES.componentSandbox,
  };
}
