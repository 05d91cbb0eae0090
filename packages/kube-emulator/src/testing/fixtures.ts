import { join } from 'node:path';
import { crdsIn, findRepoRoot } from '../cli';

/** The repository's deploy/ directory. */
export const DEPLOY_DIR = join(findRepoRoot(process.cwd()), 'deploy');

/** The CRDs of deploy/ (KarsSandbox, InferencePolicy). */
export const deployCrds = () => crdsIn(DEPLOY_DIR);

export const configMap = (
  name: string,
  data: Record<string, string> = {},
  extra: object = {},
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...extra },
  data,
});

export const karsSandbox = (name: string, spec: object = {}) => ({
  apiVersion: 'kars.azure.com/v1alpha1',
  kind: 'KarsSandbox',
  metadata: { name },
  spec: { inferenceRef: { name: 'policy' }, model: 'gpt-4o', ...spec },
});
