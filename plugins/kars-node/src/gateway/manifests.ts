import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import { KubeGateway, KubeObject } from './types';

/**
 * Reads every object of the YAML files directly inside a folder, in file-name order.
 * @public
 */
export function readManifests(dir: string): KubeObject[] {
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .flatMap(f =>
      YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8'))
        .map(d => d.toJS() as KubeObject)
        .filter(Boolean),
    );
}

/**
 * Applies manifests with server-side apply, as `kubectl apply --server-side` would.
 * @public
 */
export async function applyManifests(
  gateway: KubeGateway,
  objects: KubeObject[],
  fieldManager: string,
): Promise<void> {
  for (const object of objects) {
    await gateway.apply(object, { fieldManager, force: true });
  }
}
