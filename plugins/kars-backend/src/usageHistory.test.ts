import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { TOKENS_METRIC } from '@kars-portal/plugin-kars-common';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';
import request from 'supertest';
import { eventually } from './__testUtils__/backend';
import { karsPlugin } from './plugin';

jest.setTimeout(180_000);

/** Every permission asked, with its resource; eve may do nothing, anyone else anything. */
function recordingPolicy(asked: string[]): PermissionsService {
  const decide = (
    r: { permission: { name: string }; resourceRef?: string },
    credentials: BackstageCredentials,
  ) => {
    asked.push(`${r.permission.name} ${r.resourceRef ?? ''}`.trim());
    const user = (credentials.principal as { userEntityRef?: string })
      .userEntityRef;
    return user === 'user:default/eve'
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW;
  };
  return {
    authorize: async (requests, { credentials }) =>
      requests.map(r => ({ result: decide(r as any, credentials) })) as any,
    authorizeConditional: async (requests, { credentials }) =>
      requests.map(r => ({ result: decide(r as any, credentials) })) as any,
  };
}

describe.each(clusterTargetNames())(
  'daily token use of a sandbox on the %s',
  targetName => {
    let target: ClusterTarget;
    let server: any;
    let stop: () => Promise<void>;
    const jane = mockCredentials.user.header('user:default/jane');
    const asked: string[] = [];
    const get = (path: string, as = jane) =>
      request(server).get(`/api/kars${path}`).set('Authorization', as);

    /** The simulator's Prometheus, asked directly: one instant query at `timeS`. */
    const prometheus = async (query: string, timeS: number) => {
      const response = await fetch(
        `${target.prometheusUrl}/api/v1/query?${new URLSearchParams({
          query,
          time: String(timeS),
        })}`,
      );
      const body = await response.json();
      expect(body.status).toBe('success');
      return body.data.result.length ? Number(body.data.result[0].value[1]) : 0;
    };

    beforeAll(async () => {
      target = await startClusterTarget(targetName);
      const backend = await startTestBackend({
        features: [
          karsPlugin,
          mockServices.rootConfig.factory({
            data: {
              kars: {
                clusters: [
                  {
                    name: 'primary',
                    type: 'kubeconfig',
                    kubeconfigPath: target.backendKubeconfigPath,
                    usage: { prometheusUrl: target.prometheusUrl },
                  },
                ],
              },
            },
          }),
          createServiceFactory({
            service: coreServices.permissions,
            deps: {},
            factory: () => recordingPolicy(asked),
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
      const created = await request(server)
        .post('/api/kars/sandboxes')
        .set('Authorization', jane)
        .send({
          name: 'tenant-a',
          spec: { sandbox: { isolation: 'standard' } },
        });
      if (created.status !== 201)
        throw new Error(`create answered ${created.status}: ${created.text}`);
    });
    afterAll(async () => {
      await stop?.();
      await target?.stop();
    });

    it('answers 30 daily points that add up to what Prometheus reports for the 30 days', async () => {
      const history = await eventually('token use recorded today', async () => {
        const res = await get('/sandboxes/tenant-a/usage?days=30');
        expect(res.status).toBe(200);
        return res.body.days.at(-1)?.tokens > 0 ? res.body : undefined;
      });
      expect(history).toMatchObject({
        source: target.prometheusUrl,
        state: 'ok',
      });
      expect(history.days).toHaveLength(30);
      const ends = history.days.map((d: any) => Date.parse(d.end) / 1000);
      expect(ends.slice(1).map((t: number, i: number) => t - ends[i])).toEqual(
        Array(29).fill(86_400),
      );
      const last = ends.at(-1);
      expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(60);
      const selector = `${TOKENS_METRIC}{sandbox="tenant-a"}`;
      const total = await prometheus(`sum(increase(${selector}[30d]))`, last);
      const sum = history.days.reduce((n: number, d: any) => n + d.tokens, 0);
      expect(total).toBeGreaterThan(0);
      // Each point is rounded by itself; the sum may differ by that rounding only.
      expect(Math.abs(sum - total)).toBeLessThanOrEqual(1);
      for (const [i, day] of history.days.entries()) {
        expect(day.tokens).toBe(
          await prometheus(`sum(increase(${selector}[1d]))`, ends[i]),
        );
      }
    });

    it('answers the days asked, 30 by default', async () => {
      expect((await get('/sandboxes/tenant-a/usage')).body.days).toHaveLength(
        30,
      );
      expect(
        (await get('/sandboxes/tenant-a/usage?days=1')).body.days,
      ).toHaveLength(1);
      expect(
        (await get('/sandboxes/tenant-a/usage?days=90')).body.days,
      ).toHaveLength(90);
    });

    it('refuses days out of 1..90 or another parameter with a 400 naming the field, and an unknown sandbox with a 404', async () => {
      for (const [query, field] of [
        ['days=0', 'query.days'],
        ['days=91', 'query.days'],
        ['days=ten', 'query.days'],
        ['step=1h', 'query.step'],
      ]) {
        const res = await get(`/sandboxes/tenant-a/usage?${query}`);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(field);
      }
      expect((await get('/sandboxes/nobody/usage')).status).toBe(404);
    });

    it('needs read permission on the sandbox', async () => {
      asked.length = 0;
      const eve = mockCredentials.user.header('user:default/eve');
      const res = await get('/sandboxes/tenant-a/usage', eve);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('tenant-a');
      expect(asked).toEqual(['kars.sandbox.read tenant-a']);
      expect((await get('/sandboxes/tenant-a/usage')).status).toBe(200);
    });
  },
);
