import { stringify } from 'yaml';

export const EMULATOR_CONTEXT = 'kars-emulator';
export const EMULATOR_TOKEN = 'kars-emulator-admin-token';

/** A kubeconfig for the emulator: any bearer token is accepted, this one is an admin. */
export function emulatorKubeconfig(
  server: string,
  name = EMULATOR_CONTEXT,
): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain HTTP unless TLS verification is explicitly off.
    clusters: [{ name, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: `${name}-admin`, user: { token: EMULATOR_TOKEN } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
    'current-context': name,
    preferences: {},
  });
}
