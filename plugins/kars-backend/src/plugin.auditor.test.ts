import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { karsPlugin } from './plugin';
import {
  CapturedAuditorEvent,
  capturingAuditorFactory,
} from './__testUtils__/auditor';
import {
  ClusterTarget,
  clusterTargetNames,
  startClusterTarget,
} from '@kars-portal/test-kit/cluster';

jest.setTimeout(120_000);

const SLACK = 'xoxb-3333-4444-AuDiToRsEcReTvAlUe';

/** Everyone may do anything, except that eve may delete nothing. */
const evePolicy: PermissionsService = {
  authorize: async (requests, { credentials }) =>
    requests.map(r => ({
      result:
        (credentials.principal as { userEntityRef?: string }).userEntityRef ===
          'user:default/eve' && r.permission.attributes.action === 'delete'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })) as any,
  authorizeConditional: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
};

describe.each(clusterTargetNames())(
  "the kars plugin's commands through Backstage's auditor on the %s",
  targetName => {
    let target: ClusterTarget;
    let server: any;
    let stopBackend: () => Promise<void>;
    const events: CapturedAuditorEvent[] = [];
    const jane = mockCredentials.user.header('user:default/jane');
    const eve = mockCredentials.user.header('user:default/eve');

    beforeAll(async () => {
      target = await startClusterTarget(targetName);
      const backend = await startTestBackend({
        features: [
          karsPlugin,
          capturingAuditorFactory(events),
          mockServices.rootConfig.factory({
            data: {
              kars: {
                clusters: [
                  {
                    name: 'primary',
                    type: 'kubeconfig',
                    kubeconfigPath: target.backendKubeconfigPath,
                  },
                ],
              },
            },
          }),
          createServiceFactory({
            service: coreServices.permissions,
            deps: {},
            factory: () => evePolicy,
          }),
        ],
      });
      server = backend.server;
      stopBackend = () => backend.stop();
    });

    afterAll(async () => {
      await stopBackend?.();
      await target?.stop();
    });

    /** The events of one request: what it sent, its status, and the events it left. */
    async function send(
      who: string,
      method: 'post' | 'patch' | 'delete',
      path: string,
      body?: object,
    ) {
      const before = events.length;
      const res = await request(server)
        [method](`/api/kars${path}`)
        .set('Authorization', who)
        .send(body);
      return {
        status: res.status,
        events: events
          .slice(before)
          .map(e => [e.eventId, e.status, e.error?.split(':')[0]]),
        settled: events.slice(before).filter(e => e.status !== 'initiated'),
      };
    }

    it('gets a succeeded event for each command that succeeds, the credentials write within a create its own', async () => {
      const created = await send(jane, 'post', '/sandboxes', {
        name: 'tenant-au',
        spec: { channels: [{ type: 'slack' }] },
        credentials: { SLACK_BOT_TOKEN: SLACK },
      });
      expect(created.status).toBe(201);
      expect(created.events).toEqual([
        ['sandbox-create', 'initiated', undefined],
        ['sandbox-credentials-update', 'initiated', undefined],
        ['sandbox-credentials-update', 'succeeded', undefined],
        ['sandbox-create', 'succeeded', undefined],
      ]);
      for (const event of created.settled) {
        expect(event).toMatchObject({
          severityLevel: 'medium',
          request: 'POST /api/kars/sandboxes',
          meta: { sandbox: 'tenant-au', cluster: 'primary', changed: true },
        });
      }
      const patched = await send(jane, 'patch', '/sandboxes/tenant-au', {
        suspended: true,
      });
      expect(patched.status).toBe(200);
      expect(patched.events).toEqual([
        ['sandbox-update', 'initiated', undefined],
        ['sandbox-update', 'succeeded', undefined],
      ]);
    });

    it('gets a failed event, with the error, for each command refused or failing', async () => {
      const conflict = await send(jane, 'post', '/sandboxes', {
        name: 'tenant-au',
        spec: { model: 'gpt-4o' },
      });
      expect(conflict.status).toBe(409);
      expect(conflict.events).toEqual([
        ['sandbox-create', 'initiated', undefined],
        ['sandbox-create', 'failed', 'ConflictError'],
      ]);
      const invalid = await send(jane, 'patch', '/sandboxes/tenant-au', {
        tokenBudget: { dailyTokens: 10, monthlyTokens: 5 },
      });
      expect(invalid.status).toBe(400);
      expect(invalid.events).toEqual([
        ['sandbox-update', 'initiated', undefined],
        ['sandbox-update', 'failed', 'InputError'],
      ]);
      const denied = await send(eve, 'delete', '/sandboxes/tenant-au');
      expect(denied.status).toBe(403);
      expect(denied.events).toEqual([
        ['sandbox-delete', 'initiated', undefined],
        ['sandbox-delete', 'failed', 'NotAllowedError'],
      ]);
      expect(denied.settled[0]).toMatchObject({
        request: 'DELETE /api/kars/sandboxes/tenant-au',
        meta: { sandbox: 'tenant-au', cluster: 'primary', dryRun: false },
      });
    });

    it('gets nothing of a dry run, and never a secret value', async () => {
      const dryRun = await send(jane, 'post', '/sandboxes?dryRun=true', {
        name: 'tenant-dry',
        credentials: { SLACK_BOT_TOKEN: SLACK },
      });
      expect(dryRun.status).toBe(200);
      expect(dryRun.events).toEqual([]);
      const everything = JSON.stringify(events);
      expect(everything).not.toContain(SLACK);
      expect(everything).not.toContain('AuDiToRsEcReT');
    });

    it("keeps the plugin's own audit trail as it was: rows for changes and denials only", async () => {
      const trail = await request(server)
        .get('/api/kars/sandboxes/tenant-au/events')
        .set('Authorization', jane);
      expect(
        trail.body.items.map((e: any) => [e.actor, e.action, e.outcome]),
      ).toEqual([
        ['user:default/eve', 'delete', 'denied'],
        ['user:default/jane', 'update', 'succeeded'],
        ['user:default/jane', 'create', 'succeeded'],
        ['user:default/jane', 'credentials.update', 'succeeded'],
      ]);
    });
  },
);
