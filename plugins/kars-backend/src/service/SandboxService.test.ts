import { mockServices } from '@backstage/backend-test-utils';
import { AuditStore } from '../database/AuditStore';
import { KubeGateway } from '../kube/types';
import { ClusterConnection } from './ClusterConnection';
import { SandboxService } from './SandboxService';
import { KarsInputError } from './validation';

/** A service over one cluster whose API records every call and answers nothing. */
function serviceWithRecordingCluster() {
  const calls: string[] = [];
  const gateway = new Proxy({} as KubeGateway, {
    get: (_target, method) => async () => {
      calls.push(String(method));
      return undefined;
    },
  });
  const cluster = {
    name: 'primary',
    config: {
      default: true,
      settings: { operatorNamespace: 'kars-system', production: false },
    },
    gateway,
    sandboxes: { get: () => undefined, list: () => [] },
  } as unknown as ClusterConnection;
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

describe('SandboxService', () => {
  describe('a create without an owner by a service caller', () => {
    const serviceCaller = {
      userEntityRef: 'service:external:ci-bot',
      type: 'service' as const,
    };

    it.each([
      [
        'create',
        (s: SandboxService) => s.create({ name: 'tenant-x' }, serviceCaller),
      ],
      [
        'dry run',
        (s: SandboxService) =>
          s.renderCreate({ name: 'tenant-x' }, serviceCaller),
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
});
