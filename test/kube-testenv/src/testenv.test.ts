import fs from 'node:fs';
import { testenvBinaryPath, missingBinaryReason } from './binary';
import { httpsRequest } from './http';
import { readTokenKubeconfig } from './kubeconfig';
import { KubeTestenv, startKubeTestenv } from './testenv';

const binary = testenvBinaryPath();
const ci = process.env.CI === 'true';
if (!binary && ci) {
  throw new Error(`kube-testenv is required with CI=true: ${missingBinaryReason()}`);
}
const describeWithBinary = binary ? describe : describe.skip;
if (!binary) {
  // eslint-disable-next-line no-console
  console.warn(`skipping the kube-testenv harness tests: ${missingBinaryReason()}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describeWithBinary('startKubeTestenv', () => {
  let env: KubeTestenv;
  let pids: number[];

  beforeAll(async () => {
    env = await startKubeTestenv({ binaryPath: binary });
    const ready = JSON.parse(fs.readFileSync(`${env.dir}/ready.json`, 'utf8'));
    pids = Object.values(ready.pids) as number[];
  }, 200_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('serves the version it was built from, with the admin kubeconfig it wrote', async () => {
    expect(env.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const fromFile = readTokenKubeconfig(env.kubeconfigYaml);
    expect(fromFile).toEqual({
      server: env.server,
      caData: env.caData,
      token: env.adminToken,
    });
    const res = await httpsRequest({
      url: `${env.server}/version`,
      caData: env.caData,
      token: env.adminToken,
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).gitVersion).toBe(env.version);
    expect(env.version).toMatch(/^v1\.\d+\.\d+$/);
  });

  it('runs kube-controller-manager: new namespaces get their default ServiceAccount', async () => {
    const ns = `harness-${Date.now()}`;
    const made = await httpsRequest({
      url: `${env.server}/api/v1/namespaces`,
      caData: env.caData,
      token: env.adminToken,
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    });
    expect(made.status).toBe(201);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (
        await httpsRequest({
          url: `${env.server}/api/v1/namespaces/${ns}/serviceaccounts/default`,
          caData: env.caData,
          token: env.adminToken,
        })
      ).status;
      if (status !== 200) await new Promise(r => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });

  it('issues ServiceAccount tokens that authenticate as that ServiceAccount', async () => {
    const token = await env.tokenForServiceAccount('default', 'harness-robot', {
      expirationSeconds: 600,
    });
    const review = await httpsRequest({
      url: `${env.server}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
      caData: env.caData,
      token,
      method: 'POST',
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
      },
    });
    expect(review.status).toBe(201);
    expect(JSON.parse(review.body).status.userInfo.username).toBe(
      'system:serviceaccount:default:harness-robot',
    );
    expect(readTokenKubeconfig(env.kubeconfigFor(token))).toEqual({
      server: env.server,
      caData: env.caData,
      token,
    });
  });

  it('stops exactly the processes it started and removes its state dir', async () => {
    expect(pids.length).toBeGreaterThanOrEqual(2); // launcher and kube-controller-manager
    expect(pids.every(alive)).toBe(true);
    await env.stop();
    expect(pids.some(alive)).toBe(false);
    expect(fs.existsSync(env.dir)).toBe(false);
  });
});

describe('testenvBinaryPath', () => {
  const saved = process.env.KARS_KUBE_TESTENV_BIN;
  afterEach(() => {
    if (saved === undefined) delete process.env.KARS_KUBE_TESTENV_BIN;
    else process.env.KARS_KUBE_TESTENV_BIN = saved;
  });

  it('honours KARS_KUBE_TESTENV_BIN only when it names an executable', () => {
    process.env.KARS_KUBE_TESTENV_BIN = '/nonexistent/kube-testenv';
    expect(testenvBinaryPath()).toBeUndefined();
    expect(missingBinaryReason()).toContain('/nonexistent/kube-testenv');
    process.env.KARS_KUBE_TESTENV_BIN = process.execPath;
    expect(testenvBinaryPath()).toBe(process.execPath);
  });
});
