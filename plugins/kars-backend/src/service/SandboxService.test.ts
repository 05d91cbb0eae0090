import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { AuditStore } from '../database/AuditStore';
import { ClusterConnection } from './ClusterConnection';
import { SandboxService } from './SandboxService';
import { buildSandboxObject, KarsSandboxObject } from './sandboxObject';
import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { KarsInputError } from './validation';
import { KubeApiError, KubeGateway } from '@kars-portal/plugin-kars-node';

/** A cluster connection named primary with the given API and watch cache (and no usage source). */
function fakeCluster(
  gateway: KubeGateway | undefined,
  sandboxes: {
    get: () => KarsSandboxObject | undefined;
    list: () => KarsSandboxObject[];
  },
): ClusterConnection {
  return {
    name: 'primary',
    config: {
      default: true,
      settings: { operatorNamespace: 'kars-system', production: false },
    },
    gateway,
    sandboxes,
    usage: { peek: () => undefined, snapshot: async () => undefined },
  } as unknown as ClusterConnection;
}

/** A service over one cluster whose API records every call and answers nothing. */
function serviceWithRecordingCluster() {
  const calls: string[] = [];
  const gateway = new Proxy({} as KubeGateway, {
    get: (_target, method) => async () => {
      calls.push(String(method));
      return undefined;
    },
  });
  const cluster = fakeCluster(gateway, {
    get: () => undefined,
    list: () => [],
  });
  const audit = {
    record: jest.fn(async () => {}),
    list: jest.fn(async () => []),
  };
  const service = new SandboxService(
    [cluster],
    audit as unknown as AuditStore,
    mockServices.logger.mock(),
  );
  return { service, calls, audit };
}

const mayWrite = { mayWriteCredentials: async () => {} };

describe('SandboxService', () => {
  describe('a create without an owner by a service caller', () => {
    const serviceCaller = {
      userEntityRef: 'service:external:ci-bot',
      type: 'service' as const,
    };

    it.each([
      [
        'create',
        (s: SandboxService) =>
          s.create({ name: 'tenant-x' }, serviceCaller, mayWrite),
      ],
      [
        'dry run',
        (s: SandboxService) =>
          s.renderCreate({ name: 'tenant-x' }, serviceCaller, mayWrite),
      ],
    ])(
      'is refused (%s) with a 400 naming spec.owner, before anything is read or written',
      async (_what, call) => {
        const { service, calls, audit } = serviceWithRecordingCluster();
        const error = await call(service).then(
          () => undefined,
          e => e,
        );
        expect(calls).toEqual([]);
        expect(error).toBeInstanceOf(KarsInputError);
        expect(error.issues).toEqual([
          expect.objectContaining({
            field: 'spec.owner',
            rule: 'required-for-service-callers',
          }),
        ]);
        expect(error.message).toContain('spec.owner');
        expect(error.message).toContain('[required-for-service-callers]');
        expect(audit.record).not.toHaveBeenCalled();
      },
    );
  });

  describe('a PATCH that keeps meeting conflicts', () => {
    it('gives up after five attempts with a 409 ConflictError asking to retry', async () => {
      const object: KarsSandboxObject = buildSandboxObject(
        'tenant-a',
        sandboxSpecSchema.parse({ owner: 'group:default/team-a' }),
        'kars-system',
      );
      object.metadata = {
        ...object.metadata,
        uid: 'uid-1',
        resourceVersion: '7',
      };
      const replaced: unknown[] = [];
      const gateway = {
        get: async (ref: { kind: string }) =>
          ref.kind === 'KarsSandbox' ? object : undefined,
        replace: async (o: unknown) => {
          replaced.push(o);
          throw new KubeApiError(
            409,
            'Conflict',
            'Operation cannot be fulfilled on karssandboxes.kars.azure.com "tenant-a": the object has been modified; please apply your changes to the latest version and try again',
          );
        },
      } as unknown as KubeGateway;
      const cluster = fakeCluster(gateway, {
        get: () => object,
        list: () => [object],
      });
      const service = new SandboxService(
        [cluster],
        { record: jest.fn(async () => {}) } as unknown as AuditStore,
        mockServices.logger.mock(),
      );

      const error = await service
        .update(
          'tenant-a',
          { model: 'gpt-4o' },
          { userEntityRef: 'user:default/jane', type: 'user' },
          { dryRun: false },
        )
        .then(
          () => undefined,
          e => e,
        );

      expect(replaced).toHaveLength(5);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.name).toBe('ConflictError');
      expect(error.message).toBe(
        'the sandbox tenant-a changed concurrently; retry',
      );
    });
  });

  describe('the fleet list', () => {
    const object = (model: string, resourceVersion: string) => {
      const o = buildSandboxObject(
        'tenant-a',
        sandboxSpecSchema.parse({ owner: 'group:default/team-a', model }),
        'kars-system',
      ) as KarsSandboxObject;
      o.metadata.resourceVersion = resourceVersion;
      return o;
    };

    it('reads each cached object once, and a replaced object anew', () => {
      let cached = [object('gpt-4.1', '1')];
      const cluster = fakeCluster(undefined, {
        get: () => undefined,
        list: () => cached,
      });
      const service = new SandboxService(
        [cluster],
        {} as AuditStore,
        mockServices.logger.mock(),
      );

      const first = service.allSandboxes();
      expect(service.allSandboxes()[0]).toBe(first[0]);
      expect(service.listSandboxes({}).items[0].model).toBe('gpt-4.1');

      cached = [object('gpt-4o', '2')];
      expect(service.allSandboxes()[0]).not.toBe(first[0]);
      expect(service.listSandboxes({}).items[0].model).toBe('gpt-4o');
    });
  });
});
