import {
  sandboxNamespace,
  sandboxObjectNames,
} from '@kars-portal/plugin-kars-common';
import { ownedLabels } from './labels';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/** How a Secret of a sandbox comes to hold its data. Its values are never rendered. */
export type SecretSource =
  | { kind: 'generated'; bytes: number }
  | { kind: 'credentials' };

/** A Secret the sandbox needs, without data: generated tokens are created once, credentials by the credentials route only. */
export interface SecretShell {
  object: KubeObject;
  source: SecretSource;
}

/** The Secrets of a sandbox: its two generated tokens and its credentials. */
export function renderSecretShells(name: string): SecretShell[] {
  const names = sandboxObjectNames(name);
  const shell = (secretName: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secretName,
      namespace: sandboxNamespace(name),
      labels: ownedLabels(name),
    },
    type: 'Opaque',
  });
  return [
    {
      object: shell(names.gatewayTokenSecret),
      source: { kind: 'generated', bytes: 16 },
    },
    {
      object: shell(names.routerAdminTokenSecret),
      source: { kind: 'generated', bytes: 32 },
    },
    { object: shell(names.credentialsSecret), source: { kind: 'credentials' } },
  ];
}
