import fs from 'fs';
import { expect, test } from '@playwright/test';
import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { Case, generateCampaign, judge, ROUTES, Verdict } from './campaign';
import { Check, failing } from './checks';
import { EMBEDDED_STATE_FILE, PORTAL_LOG, serviceToken } from './config';
import { excerpt, readFigures, redact, resetFigures } from './figures';
import { HttpReply, HttpRequest } from './http';
import {
  judgeCluster,
  judgePrinterColumns,
  judgeRunningPods,
  judgeTenant,
  TenantEvidence,
} from './invariants';
import {
  CellResult,
  cellOk,
  expectation,
  formatMatrix,
  Operation,
  OPERATIONS,
  Principal,
  principalSetup,
} from './matrix';
import { KubeObject } from './snapshot';
import { SecretLedger } from './secrets';
import { Suite } from './suite';
import {
  CAMPAIGN_DELETE_TARGET,
  CAMPAIGN_TARGET,
  campaignTargets,
  DEMO_TENANTS,
  MATRIX_FOREIGN,
  MATRIX_OWN,
  matrixTargets,
} from './tenants';

/* eslint-disable no-console */

const GUEST = { kind: 'guest' } as const;
const CAMPAIGN_REQUESTS = Number(
  process.env.KARS_ACCEPTANCE_REQUESTS ?? 10_000,
);
const CAMPAIGN_SEED = Number(process.env.KARS_ACCEPTANCE_SEED ?? 15);
const CONCURRENCY = 16;

let suite: Suite;
let setup: Promise<void> | undefined;

test.describe.configure({ mode: 'default' });

/**
 * Every test starts from the suite's sandboxes, made once per worker: a worker that replaces one
 * whose test failed finds them (same run, same planted values) instead of making them again. A setup
 * that fails fails the test that needed it, and the next test tries again.
 */
async function ready() {
  suite ??= new Suite();
  setup ??= suite.ensureSetup().catch(e => {
    setup = undefined;
    throw e;
  });
  await setup;
}

/** Prints the failing checks, grouped by subject, with what was seen. */
function printFailing(checks: Check[]) {
  for (const c of failing(checks)) {
    console.log(
      `  FAIL ${c.subject} ${c.rule}: ${redact(
        c.detail,
        suite.ledger.secrets,
      )}`,
    );
  }
}

const describeRequest = (r: HttpRequest) =>
  `${r.method} ${excerpt(r.path, 160)} as ${r.auth.kind}${
    r.contentType !== undefined ? ` (${r.contentType})` : ' (no content type)'
  }${r.body !== undefined ? ` body ${excerpt(String(r.body), 200)}` : ''}`;

const describeReply = (r: HttpReply) => `${r.status} ${excerpt(r.text, 300)}`;

test('setup: the suite makes its sandboxes, changes them, rotates credentials by PUT and through the scaffolder', async () => {
  resetFigures();
  await ready();
  const made = suite.madeTenants();
  for (const t of made) {
    const s = await suite.sandbox(t.name);
    expect(s, `${t.name} exists`).toBeTruthy();
    expect([...s.credentialKeys].sort()).toEqual(
      Object.keys(t.credentials).sort(),
    );
  }
  suite.record(
    'setup',
    `setup: ${made.length} tenants made and reconciled, ${
      matrixTargets().length + campaignTargets().length
    } targets`,
  );
});

test("invariants: every seed invariant holds on the live objects of the demo tenants and of the suite's", async () => {
  await ready();
  const objects = await suite.cluster.everything();
  const info = (await suite.portal.json('GET', '/api/kars/cluster', GUEST))
    .json;
  const production = Boolean(info?.clusters?.[0]?.production);
  const floor =
    objects.find(
      o =>
        o.kind === 'ConfigMap' &&
        o.metadata.namespace === 'kars-system' &&
        o.metadata.name === 'kars-content-safety-floor',
    )?.data?.minimum ?? 'Medium';
  const liveSpec = (name: string) => {
    const o = objects.find(
      x => x.kind === 'KarsSandbox' && x.metadata.name === name,
    );
    const { inferenceRef, ...spec } = o?.spec ?? {};
    return sandboxSpecSchema.parse(spec);
  };
  const tenants: Array<{
    name: string;
    spec: any;
    credentials?: Record<string, string>;
  }> = [
    ...DEMO_TENANTS.map(t => ({ name: t.name, spec: liveSpec(t.name) })),
    ...suite.madeTenants(),
    ...[...matrixTargets(), ...campaignTargets()].map(t => ({
      name: t.name,
      spec: sandboxSpecSchema.parse(suite.marked(t).spec),
    })),
  ];
  const checks: Check[] = [];
  const portal = suite.portal;
  for (const t of tenants) {
    const base = `/api/kars/sandboxes/${t.name}`;
    const read = (suffix: string) =>
      portal.json('GET', `${base}${suffix}`, GUEST);
    const [sandbox, manifests, health, events, card, credentials] =
      await Promise.all(
        [
          '',
          '/manifests',
          '/health',
          '/events',
          '/agent-card',
          '/credentials',
        ].map(read),
      );
    const evidence: TenantEvidence = {
      name: t.name,
      expected: t.spec,
      expectedCredentialKeys: t.credentials
        ? Object.keys(t.credentials)
        : undefined,
      expectedCredentialValues: t.credentials,
      cluster: objects,
      floor,
      production,
      apiSandbox: sandbox.json,
      manifests: manifests.json,
      health: health.json,
      apiTexts: [sandbox, manifests, health, events, card, credentials].map(
        r => r.text,
      ),
    };
    checks.push(...judgeTenant(evidence), {
      subject: t.name,
      rule: 'credentials.no-read-route',
      ok: credentials.status >= 400,
      detail: `GET ${base}/credentials answered ${credentials.status}`,
    });
  }
  const sandboxes = objects
    .filter(o => o.kind === 'KarsSandbox')
    .map(o => o.metadata.name);
  checks.push(...judgeCluster(objects, sandboxes));
  checks.push(
    ...judgePrinterColumns(
      suite.cluster.kubectl(['get', 'karssandbox', '-n', 'kars-system']),
      [...DEMO_TENANTS],
    ),
    ...judgeRunningPods(
      suite.cluster.kubectl(['get', 'pods', '-A', '-o', 'wide']),
      suite.cluster.kubectl(['get', 'nodes', '-L', 'kars.azure.com/pool']),
      [...DEMO_TENANTS],
    ),
  );
  const bad = failing(checks);
  const subjects = [...new Set(checks.map(c => c.subject))];
  for (const subject of subjects) {
    const mine = checks.filter(c => c.subject === subject);
    console.log(
      `  ${subject}: ${mine.length} checked, ${failing(mine).length} failing`,
    );
  }
  printFailing(checks);
  suite.record(
    'invariants',
    `invariants: ${checks.length} checked, ${bad.length} failing`,
  );
  expect(bad.map(c => `${c.subject} ${c.rule}`)).toEqual([]);
});

test('permission matrix: every mutating route and its dry run, for the owner, another team, no token, a bad token and a service', async () => {
  await ready();
  await suite.deleteSandboxes(
    (await suite.suiteSandboxes())
      .map(s => s.name)
      .filter(n => n.startsWith('acc-mx-c-')),
  );
  for (const t of matrixTargets()) await suite.ensureSandbox(suite.marked(t));
  await suite.waitReconciled([MATRIX_OWN, MATRIX_FOREIGN]);

  const slug: Record<Principal, string> = {
    owner: 'own',
    'other team': 'oth',
    'no token': 'non',
    'bad token': 'bad',
    service: 'svc',
  };
  // The owner comes last in each row, so the owner's real DELETE is the matrix's last cell.
  const order: Principal[] = [
    'no token',
    'bad token',
    'service',
    'other team',
    'owner',
  ];
  const cells: Array<{ op: Operation; dryRun: boolean; principal: Principal }> =
    [];
  for (const op of OPERATIONS) {
    for (const dryRun of [true, false]) {
      for (const principal of order) cells.push({ op, dryRun, principal });
    }
  }
  const results: CellResult[] = [];
  const samples: string[] = [];
  let before = await suite.settle();
  for (const [index, cell] of cells.entries()) {
    const { auth, target } = principalSetup(
      cell.principal,
      MATRIX_OWN,
      MATRIX_FOREIGN,
    );
    // Each cell is judged on its own: a target an earlier cell wrongly deleted is made again.
    if (cell.op !== 'POST create' && !(await suite.sandbox(target))) {
      await suite.ensureSandbox(
        suite.marked(matrixTargets().find(t => t.name === target)!),
      );
      await suite.waitReconciled([target]);
      before = await suite.settle();
    }
    const q = cell.dryRun ? '?dryRun=true' : '';
    const value =
      cell.principal === 'owner'
        ? `${suite.secrets.matrixOwner}${index}`
        : suite.secrets.braveRefused;
    let request: HttpRequest;
    switch (cell.op) {
      case 'POST create': {
        const name = `acc-mx-c-${slug[cell.principal]}${
          cell.dryRun ? '-d' : ''
        }`;
        const owner =
          cell.principal === 'other team'
            ? 'group:default/team-b'
            : 'group:default/team-a';
        request = {
          method: 'POST',
          path: `/api/kars/sandboxes${q}`,
          auth,
          contentType: 'application/json',
          body: JSON.stringify(suite.marked({ name, spec: { owner } })),
        };
        break;
      }
      case 'POST existing name + credentials': {
        const current = await suite.sandbox(target);
        request = {
          method: 'POST',
          path: `/api/kars/sandboxes${q}`,
          auth,
          contentType: 'application/json',
          body: JSON.stringify({
            name: target,
            spec: current.spec,
            credentials: { BRAVE_API_KEY: value },
          }),
        };
        break;
      }
      case 'PATCH':
        request = {
          method: 'PATCH',
          path: `/api/kars/sandboxes/${target}${q}`,
          auth,
          contentType: 'application/json',
          body: JSON.stringify({ tokenBudget: { dailyTokens: 1000 + index } }),
        };
        break;
      case 'PUT credentials':
        request = {
          method: 'PUT',
          path: `/api/kars/sandboxes/${target}/credentials${q}`,
          auth,
          contentType: 'application/json',
          body: JSON.stringify({
            credentials: { BRAVE_API_KEY: value },
            restart: false,
          }),
        };
        break;
      default:
        request = {
          method: 'DELETE',
          path: `/api/kars/sandboxes/${target}${q}`,
          auth,
        };
    }
    const reply = await suite.portal.send(request);
    const { writes, after } = await suite.writesSince(before);
    before = after;
    const expected = expectation(cell.op, cell.principal, cell.dryRun);
    const ok = cellOk(expected, reply.status, writes.length);
    const result: CellResult = {
      ...cell,
      target,
      status: reply.status,
      writes: writes.map(w => `${w.change} ${w.key}`),
      expected,
      ok,
      answer: describeReply(reply),
    };
    results.push(result);
    if (!ok) {
      samples.push(
        `  FAIL ${cell.op}${q} as ${
          cell.principal
        } on ${target}: expected ${expected.statuses.join(' or ')} with ${
          expected.writes ? 'writes' : 'no write'
        } (${expected.why}); got ${reply.status} with ${writes.length} writes${
          writes.length ? ` (${result.writes.slice(0, 6).join(', ')})` : ''
        }\n    request: ${redact(
          describeRequest(request),
          suite.ledger.secrets,
        )}\n    response: ${redact(result.answer, suite.ledger.secrets)}`,
      );
    }
  }
  // A refused credential value is in no Secret of the cluster.
  const secrets = (await suite.cluster.listKind('Secret')).filter(s =>
    Object.values(s.data ?? {}).some(
      v =>
        Buffer.from(String(v), 'base64').toString('utf8') ===
        suite.secrets.braveRefused,
    ),
  );
  console.log(formatMatrix(results));
  samples.forEach(line => console.log(line));
  if (secrets.length) {
    console.log(
      `  FAIL a refused credential value was written to ${secrets
        .map(s => `${s.metadata.namespace}/${s.metadata.name}`)
        .join(', ')}`,
    );
  }
  const notExpected = results.filter(r => !r.ok);
  const refusedWrites = results
    .filter(r => !r.expected.writes || r.status >= 400)
    .reduce((n, r) => n + r.writes.length, 0);
  suite.record(
    'matrix',
    `permission matrix: ${results.length} cells, ${notExpected.length} not as expected, ${refusedWrites} cluster writes when refused or dry run, refused value in ${secrets.length} Secrets`,
  );
  expect(
    notExpected.map(
      r =>
        `${r.op}${r.dryRun ? ' ?dryRun=true' : ''} as ${r.principal}: ${
          r.status
        }, ${r.writes.length} writes`,
    ),
  ).toEqual([]);
  expect(secrets.map(s => s.metadata.name)).toEqual([]);
});

test('bad-input campaign: 10,000 generated bad requests over every route are refused, name what is wrong and write nothing', async () => {
  await ready();
  await suite.ensureSandbox(suite.marked(campaignTargets()[1]));
  await suite.waitReconciled([CAMPAIGN_TARGET, CAMPAIGN_DELETE_TARGET]);
  const target = await suite.sandbox(CAMPAIGN_TARGET);
  const existing = (await suite.suiteSandboxes()).map(s => s.name);
  const cases = generateCampaign(
    {
      target: CAMPAIGN_TARGET,
      targetSpec: sandboxSpecSchema.parse(target.spec),
      deleteTarget: CAMPAIGN_DELETE_TARGET,
      existing: [
        ...DEMO_TENANTS.map(t => t.name),
        ...existing.filter(n => n === CAMPAIGN_TARGET || n === 'acc-std-gov'),
      ],
      serviceToken: serviceToken(),
      secret: suite.secrets.campaign,
    },
    CAMPAIGN_SEED,
    CAMPAIGN_REQUESTS,
  );
  const before = await suite.settle();
  const started = Date.now();
  const verdicts: Verdict[] = new Array(cases.length);
  const replies = new Map<number, HttpReply>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const c = cases[next++];
        const reply = await suite.portal.send(c.request);
        const v = judge(c, reply);
        verdicts[c.id] = v;
        const bad =
          v.status >= 500 || !v.refused || !v.named || v.echoed.length > 0;
        if (bad || c.pair !== undefined)
          replies.set(c.id, {
            ...reply,
            text: bad ? reply.text.slice(0, 2000) : '',
            json: bad ? undefined : reply.json && { valid: reply.json.valid },
          });
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const { writes } = await suite.writesSince(before);

  // The table: status codes per route.
  const routes = Object.values(ROUTES);
  const statuses = [...new Set(verdicts.map(v => v.status))].sort(
    (a, b) => a - b,
  );
  const rowFor = (route: string) => {
    const mine = cases.filter(c => c.route === route).map(c => verdicts[c.id]);
    return { route, mine };
  };
  const width = Math.max(...routes.map(r => r.length));
  console.log(
    `${'route'.padEnd(width)}  ${'requests'.padStart(8)} ${statuses
      .map(s => String(s).padStart(6))
      .join('')}  unnamed  echoed`,
  );
  for (const { route, mine } of routes.map(rowFor)) {
    const count = (s: number) => mine.filter(v => v.status === s).length;
    console.log(
      `${route.padEnd(width)}  ${String(mine.length).padStart(8)} ${statuses
        .map(s => String(count(s) || '.').padStart(6))
        .join('')}  ${String(
        mine.filter(v => v.refused && !v.named).length,
      ).padStart(7)}  ${String(
        mine.filter(v => v.echoed.length).length,
      ).padStart(6)}`,
    );
  }
  console.log(
    '  (/validate answers a bad body 200 {valid: false, issues}: its 200s are refusals when they name the field)',
  );
  const fivexx = verdicts.filter(v => v.status >= 500);
  const accepted = verdicts.filter(v => v.status < 500 && !v.refused);
  const unnamed = verdicts.filter(v => v.refused && !v.named);
  const echoed = verdicts.filter(v => v.echoed.length > 0);

  // /validate, the dry run and the create agree on every body sent to all of them.
  const pairs = new Map<number, Case[]>();
  for (const c of cases)
    if (c.pair !== undefined)
      pairs.set(c.pair, [...(pairs.get(c.pair) ?? []), c]);
  const disagreements: string[] = [];
  for (const group of pairs.values()) {
    const refusals = group.map(c => verdicts[c.id].refused);
    if (new Set(refusals).size > 1) {
      const answers = group.map(c => {
        const path = c.request.path.replace('/api/kars', '');
        const valid =
          c.route === ROUTES.validate
            ? ` valid:${replies.get(c.id)?.json?.valid}`
            : '';
        return `${c.request.method} ${path} → ${verdicts[c.id].status}${valid}`;
      });
      const body = excerpt(String(group[0].request.body), 160);
      disagreements.push(`${answers.join(' | ')} body ${body}`);
    }
  }

  // Two examples of each kind of failure, per route and category, with the request and the answer.
  const examples: string[] = [];
  const kinds: Array<[string, (v: Verdict) => boolean]> = [
    ['5xx', v => v.status >= 500],
    ['accepted', v => v.status < 500 && !v.refused],
    ['refusal not naming what is wrong', v => v.refused && !v.named],
    ['echoes request data', v => v.echoed.length > 0],
  ];
  for (const route of routes) {
    for (const [kind, is] of kinds) {
      const hits = cases.filter(c => c.route === route && is(verdicts[c.id]));
      for (const category of new Set(hits.map(c => c.category))) {
        const group = hits.filter(c => c.category === category);
        for (const c of group.slice(0, 2)) {
          examples.push(
            `  FAIL ${route} [${kind}, ${category}] (${
              group.length
            } like it)\n    request: ${redact(
              describeRequest(c.request),
              suite.ledger.secrets,
            )}\n    expected to name: ${c.names}\n    response: ${redact(
              describeReply(replies.get(c.id)!),
              suite.ledger.secrets,
            )}`,
          );
        }
      }
    }
  }
  examples.forEach(e => console.log(e));
  disagreements
    .slice(0, 10)
    .forEach(d =>
      console.log(
        `  FAIL validate/dry run/create disagree: ${redact(
          d,
          suite.ledger.secrets,
        )}`,
      ),
    );
  writes
    .slice(0, 20)
    .forEach(w => console.log(`  FAIL cluster write: ${w.change} ${w.key}`));

  suite.record(
    'campaign',
    `bad-input campaign: ${
      cases.length
    } requests (seed ${CAMPAIGN_SEED}, ${CONCURRENCY} at a time, ${seconds.toFixed(
      0,
    )} s): ${fivexx.length} × 5xx, ${accepted.length} × 2xx accepted, ${
      writes.length
    } cluster writes, ${unnamed.length} × 4xx not naming the field, ${
      echoed.length
    } echoing request data; /validate, dry run and create disagree on ${
      disagreements.length
    } of ${pairs.size} bodies`,
  );
  expect(cases.length).toBeGreaterThanOrEqual(CAMPAIGN_REQUESTS);
  expect({
    '5xx': fivexx.length,
    accepted: accepted.length,
    writes: writes.map(w => `${w.change} ${w.key}`),
    unnamed: unnamed.length,
    echoed: echoed.length,
    disagreements: disagreements.length,
  }).toEqual({
    '5xx': 0,
    accepted: 0,
    writes: [],
    unnamed: 0,
    echoed: 0,
    disagreements: 0,
  });
});

test('secret scan: no planted secret in any answer, catalog entity, scaffolder task, log line, cluster object or the state file', async () => {
  await ready();
  // Every answer of the portal is scanned as it arrives (Suite's ledger); the rest is scanned here.
  const ledger = suite.ledger;

  // The API: every route of every sandbox, the list and the cluster.
  const names = [
    ...DEMO_TENANTS.map(t => t.name),
    ...(await suite.suiteSandboxes()).map(s => s.name),
  ];
  for (const name of names) {
    for (const suffix of [
      '',
      '/manifests',
      '/health',
      '/events',
      '/agent-card',
    ]) {
      await suite.portal.json(
        'GET',
        `/api/kars/sandboxes/${name}${suffix}`,
        GUEST,
      );
    }
  }
  await suite.portal.json('GET', '/api/kars/sandboxes?limit=500', GUEST);
  await suite.portal.json('GET', '/api/kars/cluster', GUEST);

  // The catalog: every entity.
  const entities = await suite.portal.json(
    'GET',
    '/api/catalog/entities',
    GUEST,
  );
  expect(entities.status).toBe(200);
  for (const e of entities.json as any[]) {
    ledger.scan(
      `catalog ${e.kind}:${e.metadata.namespace}/${e.metadata.name}`,
      JSON.stringify(e),
    );
  }

  // The scaffolder: every task and its event log.
  const tasks = await suite.portal.json(
    'GET',
    '/api/scaffolder/v2/tasks?limit=1000',
    GUEST,
  );
  expect(tasks.status).toBe(200);
  const taskList: any[] = tasks.json.tasks ?? [];
  expect(taskList.length).toBeGreaterThan(0);
  for (const t of taskList) {
    await suite.portal.json('GET', `/api/scaffolder/v2/tasks/${t.id}`, GUEST);
    await suite.portal.json(
      'GET',
      `/api/scaffolder/v2/tasks/${t.id}/events`,
      GUEST,
    );
  }

  // The portal's log.
  const logFound = fs.existsSync(PORTAL_LOG);
  if (logFound)
    ledger.scan(
      `portal log ${PORTAL_LOG}`,
      fs.readFileSync(PORTAL_LOG, 'utf8'),
    );

  // The cluster: every object, except the data of the credentials Secrets (which hold the values).
  const isCredentials = (o: KubeObject) =>
    o.kind === 'Secret' &&
    o.metadata.name ===
      `${(o.metadata.namespace ?? '').replace(/^kars-/, '')}-credentials`;
  const credentialsSecrets: KubeObject[] = [];
  for (const o of await suite.cluster.everything()) {
    if (isCredentials(o)) credentialsSecrets.push(o);
    const { data, stringData, ...rest } = o;
    ledger.scan(
      `cluster ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`,
      JSON.stringify(isCredentials(o) ? rest : o),
    );
  }

  // Control: the scan finds the planted values where they belong, in the credentials Secrets.
  const control = new SecretLedger(ledger.secrets);
  for (const o of credentialsSecrets)
    control.scan(o.metadata.name, JSON.stringify(o.data ?? {}));
  const planted = suite
    .madeTenants()
    .flatMap(t => Object.values(t.credentials))
    .filter(v => ledger.secrets.some(s => s.value === v));
  const controlFound = new Set(control.found.flatMap(f => f.labels));

  // The state file: holds the Secrets, so it must be private; outside them, no value.
  const mode = fs.statSync(EMBEDDED_STATE_FILE).mode & 0o777;
  const state = JSON.parse(fs.readFileSync(EMBEDDED_STATE_FILE, 'utf8'));
  for (const [resource, items] of Object.entries<any>(state.resources ?? {})) {
    if (!/secrets$/.test(resource) || !Array.isArray(items)) continue;
    for (const s of items) {
      const ns = String(s.metadata?.namespace ?? '');
      if (s.metadata?.name === `${ns.replace(/^kars-/, '')}-credentials`) {
        delete s.data;
        delete s.stringData;
      }
    }
  }
  ledger.scan(
    `state file ${EMBEDDED_STATE_FILE} (outside the credentials Secrets)`,
    JSON.stringify(state),
  );

  // With what every earlier phase of this run scanned (each answer it got).
  const mine = suite.unrecordedScan();
  const earlier = Object.entries(readFigures().figures)
    .filter(([key]) => key !== 'secret-scan')
    .map(([, f]) => f.scan ?? { places: 0, found: [] });
  const places = mine.places + earlier.reduce((n, f) => n + f.places, 0);
  const found = [...mine.found, ...earlier.flatMap(f => f.found)];
  const values = new Set(found.flatMap(f => f.labels));
  for (const f of found.slice(0, 30))
    console.log(`  FAIL planted ${f.labels.join(', ')} found in ${f.place}`);
  if (!logFound)
    console.log(`  FAIL no portal log at ${PORTAL_LOG} (set KARS_PORTAL_LOG)`);
  if (mode !== 0o600)
    console.log(
      `  FAIL ${EMBEDDED_STATE_FILE} has mode ${mode.toString(8)}, not 600`,
    );
  const plantedLabels = ledger.secrets
    .filter(x => planted.includes(x.value))
    .map(x => x.label);
  const missed = plantedLabels.filter(l => !controlFound.has(l));
  if (missed.length) {
    console.log(
      `  FAIL control: the scan does not find ${missed.join(
        ', ',
      )} in the credentials Secrets`,
    );
  }
  const line = `secret scan: ${places} places scanned, ${
    values.size
  } values found (state file mode ${mode.toString(8)}; control: ${
    plantedLabels.length - missed.length
  } of ${plantedLabels.length} planted values found where they belong)`;
  suite.record('secret-scan', line);
  expect({
    values: [...values],
    logFound,
    mode: mode.toString(8),
    missed,
  }).toEqual({ values: [], logFound: true, mode: '600', missed: [] });
});

test('tokens: a guest token with its claims changed or its signature taken away is refused, before and after the real one was answered', async () => {
  suite ??= new Suite();
  const token = await suite.portal.guestToken();
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const encode = (value: unknown) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const bearers: Record<string, string> = {
    'the real token': token,
    'another subject, the same signature': `${header}.${encode({
      ...claims,
      sub: 'user:default/ops',
      ent: ['user:default/ops', 'group:default/platform'],
    })}.${signature}`,
    'a later expiry, the same signature': `${header}.${encode({
      ...claims,
      exp: claims.exp + 3600,
    })}.${signature}`,
    'no signature': `${header}.${payload}.`,
    'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
  };
  const statuses: string[] = [];
  // Twice over: the second round comes after the real token was verified and answered.
  for (let round = 1; round <= 2; round++) {
    for (const [what, bearer] of Object.entries(bearers)) {
      const reply = await suite.portal.send({
        method: 'GET',
        path: '/api/kars/sandboxes?limit=1',
        auth: { kind: 'raw', header: `Bearer ${bearer}` },
      });
      statuses.push(`${round} ${what}: ${reply.status}`);
    }
  }
  expect(statuses).toEqual(
    [1, 2].flatMap(round => [
      `${round} the real token: 200`,
      `${round} another subject, the same signature: 401`,
      `${round} a later expiry, the same signature: 401`,
      `${round} no signature: 401`,
      `${round} alg none: 401`,
    ]),
  );
});

test('cleanup: the suite deletes every sandbox it made', async () => {
  suite ??= new Suite();
  await suite.removeLeftovers(true);
  expect(await suite.suiteSandboxes()).toEqual([]);
});
