import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { behaviour, describeContract, TargetContext } from './lib/contract';
import { karsSandbox, paths } from './lib/fixtures';
import { TABLE_ACCEPT } from './lib/raw';

const KUBECTL = process.env.KARS_KUBECTL ?? '/usr/bin/kubectl';

async function kubectl(t: TargetContext, args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-kubeconfig-'));
  const file = path.join(dir, 'config');
  fs.writeFileSync(file, t.kc.exportConfig(), { mode: 0o600 });
  try {
    return await promisify(execFile)(KUBECTL, ['--kubeconfig', file, ...args], {
      timeout: 30_000,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function seedSandboxes(t: TargetContext) {
  const existing = await t.raw.get(paths.kars(t.ns, 'karssandboxes', 'alpha'));
  if (existing.status === 200) return;
  const alpha = await t.raw.request('POST', paths.kars(t.ns, 'karssandboxes'), {
    body: karsSandbox('alpha', t.ns, {
      model: 'gpt-4o',
      owner: 'group:default/team-a',
    }),
  });
  expect(alpha.status).toBe(201);
  const status = await t.raw.request(
    'PATCH',
    paths.kars(t.ns, 'karssandboxes', 'alpha/status'),
    {
      body: { status: { phase: 'Running', conditions: [] } },
      contentType: 'application/merge-patch+json',
    },
  );
  expect(status.status).toBe(200);
  const beta = await t.raw.request('POST', paths.kars(t.ns, 'karssandboxes'), {
    body: karsSandbox('beta', t.ns, {
      sandbox: { isolation: 'confidential' },
      runtime: { kind: 'Hermes' },
    }),
  });
  expect(beta.status).toBe(201);
}

const AGE = /^\d+s$/;

describeContract(
  'Table format',
  () => {
    behaviour(
      'a KarsSandbox list as Table has the CRD printer columns (Name, Phase, Model, Isolation, Age; Runtime and Owner at priority 1)',
      async t => {
        await seedSandboxes(t);
        const res = await t.raw.get(
          paths.kars(t.ns, 'karssandboxes'),
          undefined,
          TABLE_ACCEPT,
        );
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        const table = res.json;
        expect(table).toMatchObject({
          kind: 'Table',
          apiVersion: 'meta.k8s.io/v1',
          metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
        });
        expect(
          table.columnDefinitions.map((c: any) => [
            c.name,
            c.type,
            c.format,
            c.priority,
          ]),
        ).toEqual([
          ['Name', 'string', 'name', 0],
          ['Phase', 'string', '', 0],
          ['Model', 'string', '', 0],
          ['Isolation', 'string', '', 0],
          ['Age', 'date', '', 0],
          ['Runtime', 'string', '', 1],
          ['Owner', 'string', '', 1],
        ]);
        expect(table.columnDefinitions[1].description).toBe(
          'Custom resource definition column (in JSONPath format): .status.phase',
        );
        expect(table.rows.map((r: any) => r.cells)).toEqual([
          [
            'alpha',
            'Running',
            'gpt-4o',
            'enhanced',
            expect.stringMatching(AGE),
            'OpenClaw',
            'group:default/team-a',
          ],
          [
            'beta',
            null,
            'gpt-4.1',
            'confidential',
            expect.stringMatching(AGE),
            'Hermes',
            null,
          ],
        ]);
        expect(table.rows[0].object).toMatchObject({
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: { name: 'alpha', namespace: t.ns, uid: expect.any(String) },
        });
        expect(table.rows[0].object.spec).toBeUndefined();
      },
    );

    behaviour(
      'a single object as Table, and includeObject=Object embeds the whole object',
      async t => {
        await seedSandboxes(t);
        const res = await t.raw.get(
          paths.kars(t.ns, 'karssandboxes', 'beta'),
          { includeObject: 'Object' },
          TABLE_ACCEPT,
        );
        expect(res.status).toBe(200);
        expect(res.json.rows).toHaveLength(1);
        expect(res.json.rows[0].cells.slice(0, 4)).toEqual([
          'beta',
          null,
          'gpt-4.1',
          'confidential',
        ]);
        expect(res.json.rows[0].object).toMatchObject({
          kind: 'KarsSandbox',
          metadata: { name: 'beta' },
          spec: { sandbox: { isolation: 'confidential' } },
        });
      },
    );

    behaviour(
      'a ConfigMap list as Table: Name, Data (the number of keys), Age',
      async t => {
        await t.raw.request('POST', paths.core(t.ns, 'configmaps'), {
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'tabled' },
            data: { a: '1', b: '2' },
          },
        });
        const res = await t.raw.get(
          paths.core(t.ns, 'configmaps'),
          { fieldSelector: 'metadata.name=tabled' },
          TABLE_ACCEPT,
        );
        expect(res.status).toBe(200);
        expect(
          res.json.columnDefinitions.map((c: any) => [
            c.name,
            c.type,
            c.format,
          ]),
        ).toEqual([
          ['Name', 'string', 'name'],
          ['Data', 'string', ''],
          ['Age', 'string', ''],
        ]);
        expect(res.json.rows.map((r: any) => r.cells)).toEqual([
          ['tabled', 2, expect.stringMatching(AGE)],
        ]);
      },
    );

    behaviour(
      'a ServiceAccount list as Table: Name and Age (no Secrets column)',
      async t => {
        await t.raw.request('POST', paths.core(t.ns, 'serviceaccounts'), {
          body: {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: 'tabled' },
            secrets: [{ name: 'legacy' }],
          },
        });
        const res = await t.raw.get(
          paths.core(t.ns, 'serviceaccounts'),
          { fieldSelector: 'metadata.name=tabled' },
          TABLE_ACCEPT,
        );
        expect(res.status).toBe(200);
        expect(
          res.json.columnDefinitions.map((c: any) => [c.name, c.type]),
        ).toEqual([
          ['Name', 'string'],
          ['Age', 'string'],
        ]);
        expect(res.json.rows.map((r: any) => r.cells)).toEqual([
          ['tabled', expect.stringMatching(AGE)],
        ]);
      },
    );

    behaviour(
      'kubectl get karssandboxes prints NAME PHASE MODEL ISOLATION AGE from the server’s Table',
      async t => {
        await seedSandboxes(t);
        const { stdout } = await kubectl(t, [
          'get',
          'karssandboxes',
          '-n',
          t.ns,
        ]);
        const lines = stdout.trimEnd().split('\n');
        expect(lines[0].split(/\s+/)).toEqual([
          'NAME',
          'PHASE',
          'MODEL',
          'ISOLATION',
          'AGE',
        ]);
        expect(lines[1].split(/\s+/).slice(0, 4)).toEqual([
          'alpha',
          'Running',
          'gpt-4o',
          'enhanced',
        ]);
        expect(lines[2].split(/\s+/).slice(0, 3)).toEqual([
          'beta',
          'gpt-4.1',
          'confidential',
        ]);
        const wide = await kubectl(t, [
          'get',
          'karssandbox',
          'alpha',
          '-n',
          t.ns,
          '-o',
          'wide',
        ]);
        expect(wide.stdout.split('\n')[0].split(/\s+/)).toEqual([
          'NAME',
          'PHASE',
          'MODEL',
          'ISOLATION',
          'AGE',
          'RUNTIME',
          'OWNER',
        ]);
      },
    );
  },
  { crds: true },
);
