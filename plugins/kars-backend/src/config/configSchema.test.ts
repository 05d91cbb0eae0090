import { loadConfigSchema } from '@backstage/config-loader';
import path from 'node:path';

/**
 * The plugin's config.d.ts as Backstage compiles it, applied to a production-like kars block. The
 * frontend reads no kars configuration; the Prometheus credentials are secret (backend only, and
 * masked wherever Backstage prints configuration); everything else is backend.
 */
describe('the configuration schema of kars-backend', () => {
  const data = {
    kars: {
      operatorNamespace: 'kars-system',
      admins: ['group:default/platform'],
      clusters: [
        {
          name: 'prod',
          type: 'kubeconfig',
          kubeconfigPath: '/etc/kars/kubeconfig',
          workloadIdentityClientId: '00000000-0000-0000-0000-000000000001',
          usage: {
            prometheusUrl: 'https://prometheus.example.com',
            headers: {
              Authorization: 'Bearer prom-secret-8c2d',
              'X-Scope-OrgID': 'tenant-prom-4e1b',
            },
          },
        },
      ],
      agentCardProvider: { organization: 'Example', url: 'https://x.example' },
    },
  };

  async function visible(visibility: Array<'frontend' | 'backend' | 'secret'>) {
    const schema = await loadConfigSchema({
      dependencies: [],
      packagePaths: [path.resolve(__dirname, '../../package.json')],
      excludePackageDependencies: true,
    });
    const [processed] = schema.process([{ context: 'test', data }], {
      visibility,
    });
    return processed.data;
  }

  it('gives the frontend nothing of kars', async () => {
    expect(await visible(['frontend'])).toEqual({});
  });

  it('makes the Prometheus credentials secret, and only them', async () => {
    expect(await visible(['secret'])).toEqual({
      kars: {
        clusters: [
          {
            usage: {
              headers: {
                Authorization: 'Bearer prom-secret-8c2d',
                'X-Scope-OrgID': 'tenant-prom-4e1b',
              },
            },
          },
        ],
      },
    });
    const backend = JSON.stringify(await visible(['backend']));
    expect(backend).toContain('https://prometheus.example.com');
    expect(backend).not.toContain('prom-secret-8c2d');
    expect(backend).not.toContain('tenant-prom-4e1b');
  });
});
