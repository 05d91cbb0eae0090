import { stringify } from 'yaml';

export const EMULATOR_CONTEXT = 'kars-emulator';

/**
 * A kubeconfig for the emulator as its admin (the token is the emulator's, new at each start),
 * trusting its self-signed serving certificate.
 */
export function emulatorKubeconfig(
  server: string,
  token: string,
  certificate: string,
  name = EMULATOR_CONTEXT,
): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server,
          'certificate-authority-data':
            Buffer.from(certificate).toString('base64'),
        },
      },
    ],
    users: [{ name: `${name}-admin`, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
    'current-context': name,
    preferences: {},
  });
}
