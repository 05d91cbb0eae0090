import {
  missingBinaryReason,
  startKubeTestenv,
  testenvBinaryPath,
} from '@kars-portal/kube-testenv';
import { aggregated, captureUpstream } from './capture';
import { upstream, UPSTREAM_VERSION } from './upstream';

const binary = testenvBinaryPath();
if (!binary && process.env.CI === 'true')
  throw new Error(
    `kube-testenv is required with CI=true: ${missingBinaryReason()}`,
  );
const withTestenv = binary ? describe : describe.skip;

withTestenv('the captured kube-apiserver bundle', () => {
  it('is what the testenv kube-apiserver serves (yarn capture-upstream rewrites it)', async () => {
    const testenv = await startKubeTestenv({ binaryPath: binary });
    try {
      const server = {
        server: testenv.server,
        caData: testenv.caData,
        adminToken: testenv.adminToken,
      };
      expect(testenv.version).toBe(UPSTREAM_VERSION);
      while (!(await aggregated(server)))
        await new Promise(r => setTimeout(r, 200));
      const live = await captureUpstream(server);
      const committed = upstream();
      expect(live.version).toBe(committed.version);
      expect(live.rbac).toEqual(committed.rbac);
      expect(Object.keys(live.openapi.v3).sort()).toEqual(
        Object.keys(committed.openapi.v3).sort(),
      );
      expect(live.openapi).toEqual(committed.openapi);
    } finally {
      await testenv.stop();
    }
  }, 180_000);
});
