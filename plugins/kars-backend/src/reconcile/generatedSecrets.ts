import { randomBytes } from 'crypto';
import {
  GENERATED_TOKEN_KEY,
  KARS_FIELD_MANAGER,
} from '@kars-portal/plugin-kars-common';
import { isStatus, KubeGateway } from '@kars-portal/plugin-kars-node';
import { SecretShell } from '../render/secrets';
import { KarsSandboxObject } from '../service/sandboxObject';

/**
 * The generated tokens of each sandbox (gateway, router admin): created once with random data and
 * never updated, so Secret data is never applied. A Secret confirmed to exist is not read again
 * until {@link GeneratedSecrets.forget} (a resync).
 */
export class GeneratedSecrets {
  private readonly confirmed = new Set<string>();

  constructor(private readonly gateway: KubeGateway) {}

  forget() {
    this.confirmed.clear();
  }

  async ensure(sandbox: KarsSandboxObject, secrets: SecretShell[]) {
    for (const { object, source } of secrets) {
      if (source.kind !== 'generated') continue;
      const key = `${sandbox.metadata.uid}/${object.metadata.name}`;
      if (this.confirmed.has(key)) continue;
      const ref = {
        apiVersion: 'v1',
        kind: 'Secret',
        name: object.metadata.name,
        namespace: object.metadata.namespace,
      };
      if (!(await this.gateway.get(ref))) {
        try {
          await this.gateway.create(
            {
              ...object,
              data: {
                [GENERATED_TOKEN_KEY]: Buffer.from(
                  randomBytes(source.bytes).toString('hex'),
                ).toString('base64'),
              },
            },
            { fieldManager: KARS_FIELD_MANAGER },
          );
        } catch (error) {
          if (!isStatus(error, 409)) throw error;
        }
      }
      this.confirmed.add(key);
    }
  }
}
