import { randomBytes } from 'crypto';
import {
  GENERATED_TOKEN_KEY,
  KARS_FIELD_MANAGER,
} from '@kars-portal/plugin-kars-common';
import { isStatus, KubeGateway } from '@kars-portal/plugin-kars-node';
import { SecretShell } from '../render/secrets';
import { KarsSandboxObject } from '../service/sandboxObject';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * The generated tokens of each sandbox (gateway, router admin): created once with random data and
 * never updated, so Secret data is never applied. A create is the test of existence (409: it is
 * there, and keeps its data); a Secret confirmed to exist is not written again until
 * {@link GeneratedSecrets.forget} (a resync). Secrets are never read or listed.
 */
export class GeneratedSecrets {
  private readonly confirmed = new Set<string>();

  constructor(
    private readonly gateway: KubeGateway,
    private readonly options: {
      accessTimeoutMs?: number;
      intervalMs?: number;
    } = {},
  ) {}

  /**
   * Creates a Secret; a 409 means it exists. In a namespace made a moment ago, the server's
   * authorizer may not yet know the RoleBinding that lets the backend write Secrets there (it
   * learns of it through a watch): a 403 is tried again until `accessTimeoutMs`, then surfaced.
   */
  private async create(secret: SecretShell['object']) {
    const deadline = Date.now() + (this.options.accessTimeoutMs ?? 10_000);
    for (;;) {
      try {
        await this.gateway.create(secret, { fieldManager: KARS_FIELD_MANAGER });
        return;
      } catch (error) {
        if (isStatus(error, 409)) return;
        if (!isStatus(error, 403) || Date.now() >= deadline) throw error;
        await sleep(this.options.intervalMs ?? 50);
      }
    }
  }

  forget() {
    this.confirmed.clear();
  }

  async ensure(sandbox: KarsSandboxObject, secrets: SecretShell[]) {
    await Promise.all(
      secrets.map(async ({ object, source }) => {
        if (source.kind !== 'generated') return;
        const key = `${sandbox.metadata.uid}/${object.metadata.name}`;
        if (this.confirmed.has(key)) return;
        await this.create({
          ...object,
          data: {
            [GENERATED_TOKEN_KEY]: Buffer.from(
              randomBytes(source.bytes).toString('hex'),
            ).toString('base64'),
          },
        });
        this.confirmed.add(key);
      }),
    );
  }
}
