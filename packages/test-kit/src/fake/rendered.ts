import {
  CHANNEL_CREDENTIAL_KEYS,
  manifestsResponseSchema,
  RenderedObject,
  sandboxObjectNames,
  SandboxSpec,
} from '@kars-portal/plugin-kars-common';
import { reply } from './answers';
import type { FakeKarsApi } from './FakeKarsApi';

/** What a create or change would make, roughly as the backend renders it (values redacted). */
function rendered(name: string, spec: SandboxSpec): RenderedObject[] {
  const names = sandboxObjectNames(name);
  const ns = names.namespace;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: names.serviceAccount, namespace: ns },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: names.credentialsSecret, namespace: ns },
      data: Object.fromEntries(
        spec.channels
          .flatMap(c => CHANNEL_CREDENTIAL_KEYS[c.type])
          .map(k => [k, '<redacted>']),
      ),
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: names.deployment, namespace: ns },
    },
  ];
}

/** The answer of a dry run or of `/manifests`. */
export const manifests = (api: FakeKarsApi, name: string, spec: SandboxSpec) =>
  reply(manifestsResponseSchema, {
    name,
    cluster: api.cluster,
    objects: rendered(name, spec),
  });
