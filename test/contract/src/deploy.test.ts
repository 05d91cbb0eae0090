// The shared cases are test data, not part of kars-common's published API (its exports field has no
// entry for them), so they are imported by path.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { crdAgreementCases } from '../../../plugins/kars-common/src/crdAgreement.cases';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  behaviour,
  describeContract,
  TargetContext,
  uniqueName,
} from './lib/contract';
import {
  DEPLOY_DIR,
  eventually,
  expectStatus,
  inferencePolicy,
  karsSandbox,
  paths,
} from './lib/fixtures';
import { contractTargets } from './lib/targets';

const KUBECTL = process.env.KARS_KUBECTL ?? '/usr/bin/kubectl';
const FLOOR = { namespace: 'kars-system', name: 'kars-content-safety-floor' };
const SEVERITIES = ['Safe', 'Low', 'Medium', 'High'] as const;
const CATEGORIES = ['hate', 'selfHarm', 'sexual', 'violence'] as const;
const DEV_ONLY = 'kars.azure.com/dev-only';
const PRODUCTION = 'kars.azure.com/production';
/** Policies load through informers: the first effect of a change may take a moment. */
const POLICY_WAIT = { timeoutMs: 30_000, intervalMs: 250 };

async function kubectl(t: TargetContext, args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-kubeconfig-'));
  const file = path.join(dir, 'config');
  fs.writeFileSync(file, t.kc.exportConfig(), { mode: 0o600 });
  try {
    return await promisify(execFile)(KUBECTL, ['--kubeconfig', file, ...args], {
      timeout: 60_000,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let installed: Promise<void> | undefined;
/** `kubectl apply -f deploy/` once per target, then wait until the CRDs are served. */
function install(t: TargetContext) {
  installed ??= (async () => {
    await kubectl(t, ['apply', '-f', DEPLOY_DIR]);
    await eventually(async () => {
      for (const plural of ['karssandboxes', 'inferencepolicies']) {
        expect(
          (await t.raw.get(`/apis/kars.azure.com/v1alpha1/${plural}`)).status,
        ).toBe(200);
      }
    });
  })();
  return installed;
}

/** Creates an InferencePolicy; answers the response (and deletes what got created). */
async function tryPolicy(
  t: TargetContext,
  ns: string,
  contentSafety: Record<string, string>,
  labels?: Record<string, string>,
) {
  const name = uniqueName('ip');
  const res = await t.raw.request('POST', paths.kars(ns, 'inferencepolicies'), {
    body: inferencePolicy(name, ns, { contentSafety }, labels),
  });
  if (res.status === 201)
    await t.raw.request('DELETE', paths.kars(ns, 'inferencepolicies', name));
  return res;
}

function expectDenied(
  res: { status: number; json: any },
  message: string | RegExp,
) {
  expectStatus(res as any, 403, 'Forbidden');
  expect(res.json.message).toMatch(
    /^inferencepolicies\.kars\.azure\.com "ip-[0-9a-f]+" is forbidden: ValidatingAdmissionPolicy 'kars-content-safety-floor' with binding 'kars-content-safety-floor-binding' denied request: /,
  );
  expect(res.json.message).toMatch(message);
}

async function setFloor(t: TargetContext, minimum: string) {
  const res = await t.raw.request(
    'PATCH',
    paths.core(FLOOR.namespace, 'configmaps', FLOOR.name),
    {
      body: { data: { minimum } },
      contentType: 'application/merge-patch+json',
    },
  );
  expect(res.status).toBe(200);
}

const BELOW_FLOOR =
  /content safety is less strict than the cluster floor (Medium|Low): every category must be at or below it \(Safe < Low < Medium < High\)$/;

describeContract(
  'deploy/ on a real API server',
  () => {
    behaviour(
      'kubectl apply -f deploy/ succeeds, twice, and installs every object',
      async t => {
        await install(t);
        const again = await kubectl(t, ['apply', '-f', DEPLOY_DIR]);
        expect(again.stdout).toMatch(
          /customresourcedefinition\.apiextensions\.k8s\.io\/karssandboxes\.kars\.azure\.com (unchanged|configured)/,
        );
        const expected = [
          '/api/v1/namespaces/kars-system',
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/karssandboxes.kars.azure.com',
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/inferencepolicies.kars.azure.com',
          '/api/v1/namespaces/kars-system/configmaps/kars-content-safety-floor',
          '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/kars-content-safety-floor',
          '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/kars-content-safety-floor-binding',
          '/api/v1/namespaces/kars-system/configmaps/kars-seccomp-profiles',
          '/apis/apps/v1/namespaces/kars-system/daemonsets/kars-seccomp-installer',
          '/apis/node.k8s.io/v1/runtimeclasses/kata-vm-isolation',
        ];
        for (const p of expected) {
          expect({ p, status: (await t.raw.get(p)).status }).toEqual({
            p,
            status: 200,
          });
        }
      },
    );

    behaviour('the CRDs are Established with their names accepted', async t => {
      await install(t);
      for (const name of [
        'karssandboxes.kars.azure.com',
        'inferencepolicies.kars.azure.com',
      ]) {
        await eventually(async () => {
          const crd = await t.raw.get(
            `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
          );
          const conditions = Object.fromEntries(
            crd.json.status.conditions.map((c: any) => [c.type, c.status]),
          );
          expect(conditions).toEqual({
            NamesAccepted: 'True',
            Established: 'True',
          });
        });
      }
    });

    behaviour(
      'the content-safety admission policy type-checks without warnings (kube-controller-manager’s status controller)',
      async t => {
        await install(t);
        await eventually(async () => {
          const vap = await t.raw.get(
            '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/kars-content-safety-floor',
          );
          expect(vap.json.status?.observedGeneration).toBe(
            vap.json.metadata.generation,
          );
          expect(vap.json.status.typeChecking).toEqual({});
        }, POLICY_WAIT);
      },
    );

    for (const c of crdAgreementCases) {
      const verdict = ['backend', 'pruned', 'preserved'].includes(c.judge)
        ? true
        : c.valid;
      const who = {
        schema: 'the CRD schema',
        cel: 'a CEL rule, judged only by the API server',
        'list-map': 'list-map uniqueness, judged only by the API server',
        pruned: 'an unknown field, dropped by the API server',
        preserved: 'a kars-only field, kept by the API server',
        backend: 'a backend-only rule; the API server accepts it',
      }[c.judge];
      behaviour(
        `KarsSandbox spec "${c.what}" is ${
          verdict ? 'accepted' : 'rejected'
        } (${who})`,
        async t => {
          await install(t);
          const name = uniqueName('case');
          const res = await t.raw.request(
            'POST',
            paths.kars(t.ns, 'karssandboxes'),
            {
              body: karsSandbox(name, t.ns, { ...c.spec }),
            },
          );
          if (verdict) {
            expect({
              status: res.status,
              body: res.status === 201 ? 'created' : res.json,
            }).toEqual({
              status: 201,
              body: 'created',
            });
            if (c.judge === 'pruned') {
              for (const [block, fields] of Object.entries(c.spec))
                for (const field of Object.keys(fields as object))
                  expect(res.json.spec[block]).not.toHaveProperty([field]);
              expect(String(res.headers.warning)).toContain('unknown field');
            }
            if (c.judge === 'preserved') {
              expect(res.json.spec).toMatchObject(c.spec);
              expect(res.headers.warning).toBeUndefined();
            }
          } else {
            expectStatus(res, 422, 'Invalid', {
              name,
              group: 'kars.azure.com',
              kind: 'KarsSandbox',
            });
          }
        },
      );
    }

    behaviour(
      'with floor Medium an InferencePolicy with High in any category is rejected; Safe, Low and Medium are accepted',
      async t => {
        await install(t);
        await eventually(
          async () =>
            expectDenied(
              await tryPolicy(t, t.ns, { hate: 'High' }),
              BELOW_FLOOR,
            ),
          POLICY_WAIT,
        );
        for (const category of CATEGORIES) {
          const res = await tryPolicy(t, t.ns, { [category]: 'High' });
          expectDenied(res, /less strict than the cluster floor Medium/);
        }
        for (const severity of SEVERITIES.slice(0, 3)) {
          const all = Object.fromEntries(CATEGORIES.map(c => [c, severity]));
          expect({
            severity,
            status: (await tryPolicy(t, t.ns, all)).status,
          }).toEqual({ severity, status: 201 });
        }
        expect((await tryPolicy(t, t.ns, {})).status).toBe(201);
      },
    );

    behaviour(
      'an accepted InferencePolicy cannot be updated to High',
      async t => {
        await install(t);
        const name = uniqueName('ip');
        const created = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'inferencepolicies'),
          {
            body: inferencePolicy(name, t.ns, {
              contentSafety: { violence: 'Low' },
            }),
          },
        );
        expect(created.status).toBe(201);
        const res = await t.raw.request(
          'PATCH',
          paths.kars(t.ns, 'inferencepolicies', name),
          {
            body: { spec: { contentSafety: { violence: 'High' } } },
            contentType: 'application/merge-patch+json',
          },
        );
        expectStatus(res, 403, 'Forbidden');
        expect(res.json.message).toMatch(BELOW_FLOOR);
      },
    );

    behaviour(
      'High is accepted with the label kars.azure.com/dev-only: "true"',
      async t => {
        await install(t);
        const res = await tryPolicy(
          t,
          t.ns,
          { hate: 'High', violence: 'High' },
          { [DEV_ONLY]: 'true' },
        );
        expect(res.status).toBe(201);
        const notTrue = await tryPolicy(
          t,
          t.ns,
          { hate: 'High' },
          { [DEV_ONLY]: 'yes' },
        );
        expectDenied(notTrue, BELOW_FLOOR);
      },
    );

    behaviour(
      'in a namespace labelled kars.azure.com/production: "true" the dev-only label itself is rejected; ordinary policies are not',
      async t => {
        await install(t);
        const prod = await t.newNamespace({ [PRODUCTION]: 'true' });
        const res = await tryPolicy(
          t,
          prod,
          { hate: 'Safe' },
          { [DEV_ONLY]: 'true' },
        );
        expectDenied(
          res,
          /the kars\.azure\.com\/dev-only label is not allowed in a namespace labelled kars\.azure\.com\/production: "true"$/,
        );
        expect((await tryPolicy(t, prod, { hate: 'Medium' })).status).toBe(201);
        expectDenied(await tryPolicy(t, prod, { hate: 'High' }), BELOW_FLOOR);
      },
    );

    behaviour(
      'with the floor parameter changed to Low, Medium is rejected and Low accepted (then restored to Medium)',
      async t => {
        await install(t);
        await setFloor(t, 'Low');
        try {
          await eventually(
            async () =>
              expectDenied(
                await tryPolicy(t, t.ns, { sexual: 'Medium' }),
                /cluster floor Low/,
              ),
            POLICY_WAIT,
          );
          expect(
            (await tryPolicy(t, t.ns, { sexual: 'Low', hate: 'Safe' })).status,
          ).toBe(201);
        } finally {
          await setFloor(t, 'Medium');
        }
        await eventually(
          async () =>
            expect(
              (
                await tryPolicy(t, t.ns, { sexual: 'Medium' })
              ).status,
            ).toBe(201),
          POLICY_WAIT,
        );
      },
      { timeout: 90_000 },
    );

    behaviour(
      'kubectl get karssandbox -n kars-system prints NAME PHASE MODEL ISOLATION AGE',
      async t => {
        await install(t);
        const created = await t.raw.request(
          'POST',
          paths.kars('kars-system', 'karssandboxes'),
          {
            body: karsSandbox(uniqueName('kc'), 'kars-system', {
              model: 'gpt-4o',
            }),
          },
        );
        expect(created.status).toBe(201);
        try {
          const { stdout } = await kubectl(t, [
            'get',
            'karssandbox',
            '-n',
            'kars-system',
          ]);
          const [header, ...rows] = stdout.trimEnd().split('\n');
          expect(header.split(/\s+/)).toEqual([
            'NAME',
            'PHASE',
            'MODEL',
            'ISOLATION',
            'AGE',
          ]);
          const row = rows.find(r => r.startsWith(created.json.metadata.name));
          expect(row?.split(/\s+/).slice(0, 3)).toEqual([
            created.json.metadata.name,
            'gpt-4o',
            'enhanced',
          ]);
        } finally {
          await t.raw.request(
            'DELETE',
            paths.kars(
              'kars-system',
              'karssandboxes',
              created.json.metadata.name,
            ),
          );
        }
      },
    );
  },
  {
    suite: 'deploy',
    prefix: 'deploy',
    // it installs deploy/ and changes the cluster-wide floor: only on the throwaway control plane
    targets: contractTargets().filter(t => t.name === 'real'),
  },
);
