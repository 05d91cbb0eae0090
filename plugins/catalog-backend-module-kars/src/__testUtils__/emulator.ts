import fs from 'fs';
import path from 'path';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  loadAllYaml,
} from '@kubernetes/client-node';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import {
  buildInferencePolicyCrd,
  buildKarsSandboxCrd,
} from '@kars-portal/plugin-kars-common';

/** The repository's deploy/ folder. */
const DEPLOY_DIR = path.resolve(__dirname, '../../../../deploy');

/** The embedded Kubernetes emulator with the kars CRDs and the rest of deploy/ applied. */
export async function startEmulatorWithDeploy(): Promise<{
  kubeconfigPath: string;
  stop(): Promise<void>;
}> {
  const emulator = await startKubeEmulator({
    port: 0,
    crds: [buildKarsSandboxCrd(), buildInferencePolicyCrd()],
  });
  const kc = new KubeConfig();
  kc.loadFromFile(emulator.kubeconfigPath);
  const client = KubernetesObjectApi.makeApiClient(kc);
  const objects = fs
    .readdirSync(DEPLOY_DIR)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .flatMap(
      f =>
        loadAllYaml(
          fs.readFileSync(path.join(DEPLOY_DIR, f), 'utf8'),
        ) as KubernetesObject[],
    )
    .filter(o => o && o.kind !== 'CustomResourceDefinition');
  for (const object of objects) {
    await client.create(object);
  }
  return {
    kubeconfigPath: emulator.kubeconfigPath,
    stop: () => emulator.stop(),
  };
}
