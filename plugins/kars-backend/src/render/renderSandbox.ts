import { KARS_ANNOTATIONS } from '@kars-portal/plugin-kars-common';
import { renderA2aGateway } from './a2aGateway';
import { renderAgentCard, renderEgressAllowlist } from './configMaps';
import { renderDeployment } from './deployment';
import { sha256Hex } from './hash';
import { renderInferencePolicy } from './inferencePolicy';
import { renderNamespace } from './namespace';
import { renderNetworkPolicy } from './networkPolicy';
import { renderRoleBinding } from './roleBinding';
import { renderSecretShells, SecretShell } from './secrets';
import { renderServiceAccount } from './serviceAccount';
import { renderService } from './service';
import { RenderInput } from './types';
import { KubeObject } from '@kars-portal/plugin-kars-node';

/** Everything a sandbox needs on its cluster. */
export interface RenderedSandbox {
  /** The namespace, applied first and claimed. */
  namespace: KubeObject;
  /** The RoleBinding that lets the backend write this namespace's Secrets, applied after the namespace, before any Secret. */
  secretAccess: KubeObject;
  /** The objects applied with server-side apply, each with its desired-hash annotation, in apply order. */
  objects: KubeObject[];
  /** Secrets, without data. */
  secrets: SecretShell[];
}

/** Stamps the hash of the object as desired, so an unchanged object is never applied again. */
export function withDesiredHash(object: KubeObject): KubeObject {
  const hash = sha256Hex(object);
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...object.metadata.annotations,
        [KARS_ANNOTATIONS.desiredHash]: hash,
      },
    },
  };
}

/** Renders every object of a sandbox from its spec and its cluster's settings. Pure. */
export function renderSandbox(input: RenderInput): RenderedSandbox {
  const objects = [
    renderServiceAccount(input),
    renderNetworkPolicy(input),
    renderInferencePolicy(input),
    renderEgressAllowlist(input),
    renderAgentCard(input),
    renderDeployment(input),
    renderService(input),
    ...renderA2aGateway(input),
  ].filter((o): o is KubeObject => o !== undefined);
  return {
    namespace: withDesiredHash(renderNamespace(input)),
    secretAccess: withDesiredHash(renderRoleBinding(input)),
    objects: objects.map(withDesiredHash),
    secrets: renderSecretShells(input.name),
  };
}

/** The rendered objects as one list for display, Secrets as shells whose values say they are redacted. */
export function renderedManifestList(rendered: RenderedSandbox): KubeObject[] {
  return [
    rendered.namespace,
    rendered.secretAccess,
    ...rendered.secrets.map(s => ({
      ...s.object,
      data: {},
      metadata: {
        ...s.object.metadata,
        annotations: {
          'kars.azure.com/data':
            s.source.kind === 'generated'
              ? 'generated once by the backend; never shown'
              : 'written by PUT /sandboxes/:name/credentials only; never shown',
        },
      },
    })),
    ...rendered.objects,
  ];
}
