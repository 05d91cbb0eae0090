import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  DatabaseService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The test runs the real kars backend beside the scaffolder, as the portal's backend does.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import karsPlugin from '@kars-portal/plugin-kars-backend';
import karsModuleEmbeddedCluster from '@kars-portal/plugin-kars-backend-module-embedded-cluster';
import { scaffolderModuleKars } from './module';

/**
 * The three templates of templates/ run through the real scaffolder (its REST API, task broker,
 * workflow runner and database) with the kars actions and the real kars backend on an embedded
 * cluster. Every step is checked in the cluster itself, and no secret value may be found in the
 * task log, the stored task, the scaffolder's database rows or the backend's log.
 */

jest.setTimeout(90_000);

type Json = { [k: string]: any };
type Db = Awaited<ReturnType<DatabaseService['getClient']>>;

const REPO = path.resolve(__dirname, '../../..');
const TELEGRAM_FIRST = '123456789:AAH-FirstTelegramSecret-0123456789abcdef';
const TELEGRAM_ROTATED = '123456789:AAH-RotatedTelegramSecret-9876543210zyx';
const OPENAI_KEY = 'sk-proj-IntegrationOpenAiSecret0123456789';
const BAD_TELEGRAM = 'not-a-bot-token-but-still-a-SecretValue';
const BRAVE_KEY = 'BSA-IntegrationBraveSecret0123456789';
const TAVILY_KEY = 'tvly-IntegrationTavilySecret0123456789';
const SECRET_VALUES = [
  TELEGRAM_FIRST,
  TELEGRAM_ROTATED,
  OPENAI_KEY,
  BAD_TELEGRAM,
  BRAVE_KEY,
  TAVILY_KEY,
];
const CLIENT_ID = '0b6c3a4e-1f2d-4c5b-9a8e-7d6c5b4a3f2e';
const alice = mockCredentials.user.header('user:default/alice');

function templateFromDisk(name: string): Json {
  return yaml.parse(
    fs.readFileSync(
      path.join(REPO, 'templates', name, 'template.yaml'),
      'utf8',
    ),
  );
}

/** No template in templates/ deletes a sandbox, so this one, made here, runs the delete action. */
const deleteTemplate = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'kars-sandbox-delete-test', title: 'Delete sandbox' },
  spec: {
    owner: 'group:default/platform-team',
    type: 'kars-sandbox',
    parameters: [
      {
        required: ['sandbox'],
        properties: { sandbox: { type: 'string' } },
      },
    ],
    steps: [
      {
        id: 'delete',
        name: 'Delete the sandbox',
        action: 'kars:sandbox:delete',
        input: {
          name: "${{ parameters.sandbox | parseEntityRef | pick('name') }}",
          waitUntilGone: true,
          timeoutSeconds: 30,
        },
      },
    ],
  },
};

/** A template whose author wrote a spec kars-common does not allow, as literals no form checks. */
const badSpecTemplate = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'kars-sandbox-bad-spec-test', title: 'Bad spec' },
  spec: {
    owner: 'group:default/platform-team',
    type: 'kars-sandbox',
    parameters: [{ properties: {} }],
    steps: [
      {
        id: 'create',
        name: 'Create the sandbox',
        action: 'kars:sandbox:create',
        input: {
          name: 'tenant-z',
          spec: {
            model: 'bad model',
            sandbox: { isolation: 'max' },
            channels: ['slack'],
          },
        },
      },
    ],
  },
};

const entities = [
  templateFromDisk('kars-sandbox'),
  templateFromDisk('kars-sandbox-change'),
  templateFromDisk('kars-sandbox-credentials'),
  deleteTemplate,
  badSpecTemplate,
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice' },
    spec: { memberOf: ['team-a'] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a' },
    spec: { type: 'team', children: [] },
  },
];

/** Every log line of every plugin, as text with its metadata. */
const logLines: string[] = [];
class CapturingRootLogger implements RootLoggerService {
  constructor(private readonly meta: Json = {}) {}
  private log(level: string, message: string, meta?: Error | Json) {
    const extra =
      meta instanceof Error ? `${meta.message} ${meta.stack}` : meta;
    logLines.push(
      `${level} ${JSON.stringify(this.meta)} ${message} ${JSON.stringify(
        extra ?? {},
      )}`,
    );
  }
  error(message: string, meta?: Error | Json) {
    this.log('error', message, meta);
  }
  warn(message: string, meta?: Error | Json) {
    this.log('warn', message, meta);
  }
  info(message: string, meta?: Error | Json) {
    this.log('info', message, meta);
  }
  debug(message: string, meta?: Error | Json) {
    this.log('debug', message, meta);
  }
  child(meta: Json) {
    return new CapturingRootLogger({ ...this.meta, ...meta });
  }
}

/** The scaffolder plugin's own database, through a module of the scaffolder plugin. */
let scaffolderDb: Db;
const scaffolderDatabaseProbe = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'kars-test-database-probe',
  register(env) {
    env.registerInit({
      deps: { database: coreServices.database },
      async init({ database }) {
        scaffolderDb = await database.getClient();
      },
    });
  },
});

/** The embedded cluster, read directly (not through the kars backend). */
const cluster = { server: '', token: '', ca: undefined as Buffer | undefined };
function kube(apiPath: string): Promise<{ status: number; body: Json }> {
  const url = new URL(`${cluster.server}${apiPath}`);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    client
      .get(
        url,
        {
          ca: cluster.ca,
          headers: {
            Authorization: `Bearer ${cluster.token}`,
            Accept: 'application/json',
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            }),
          );
        },
      )
      .on('error', reject);
  });
}
const sandboxPath = (name: string) =>
  `/apis/kars.azure.com/v1alpha1/namespaces/kars-system/karssandboxes/${name}`;
const namespacePath = (name: string) => `/api/v1/namespaces/kars-${name}`;
const credentialsPath = (name: string) =>
  `/api/v1/namespaces/kars-${name}/secrets/${name}-credentials`;
const decoded = (data: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(data).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );

let server: any;
/** Every finished task, for the secret scan at the end. */
const runs: TaskRun[] = [];

interface TaskRun {
  status: string;
  task: Json;
  events: Json[];
  log: string;
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

/** Starts a task the way the scaffolder frontend does: Secret fields go in `secrets`, not `values`. */
async function startTask(
  template: string,
  values: Json,
  secrets: Record<string, string> = {},
): Promise<string> {
  const res = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', alice)
    .send({ templateRef: `template:default/${template}`, values, secrets });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function finishTask(id: string): Promise<TaskRun> {
  const task = await waitFor(`task ${id}`, async () => {
    const res = await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}`)
      .set('Authorization', alice);
    expect(res.status).toBe(200);
    return ['completed', 'failed', 'cancelled'].includes(res.body.status)
      ? (res.body as Json)
      : undefined;
  });
  const res = await request(server)
    .get(`/api/scaffolder/v2/tasks/${id}/events`)
    .set('Authorization', alice);
  expect(res.status).toBe(200);
  const events = res.body as Json[];
  const log = events
    .filter(e => e.type === 'log')
    .map(e => e.body.message)
    .join('\n');
  const result = { status: task.status, task, events, log };
  runs.push(result);
  return result;
}

async function run(
  template: string,
  values: Json,
  secrets?: Record<string, string>,
): Promise<TaskRun> {
  return finishTask(await startTask(template, values, secrets));
}

const completion = (r: TaskRun) =>
  r.events.find(e => e.type === 'completion')?.body ?? {};

async function sandboxObject(name: string): Promise<Json> {
  const { status, body } = await kube(sandboxPath(name));
  expect(status).toBe(200);
  return body;
}

async function credentials(name: string): Promise<Record<string, string>> {
  const { status, body } = await kube(credentialsPath(name));
  expect(status).toBe(200);
  return decoded(body.data ?? {});
}

/**
 * Under Jest, the global fetch parses JSON with the arrays of Node's own realm, not of the test's,
 * and the scaffolder's templating refuses arrays of another realm in step outputs ("Template arrays
 * cannot use a custom prototype"). A backend process has one realm; here the kars client's answers
 * are parsed in the test's realm to match.
 */
const nodeFetch = globalThis.fetch;
class ThisRealmResponse extends Response {
  async json() {
    return JSON.parse(await this.text());
  }
}
afterAll(() => {
  globalThis.fetch = nodeFetch;
});

beforeAll(async () => {
  globalThis.fetch = async (input, init) => {
    const response = await nodeFetch(input, init);
    return new ThisRealmResponse(response.body, response);
  };
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleKars,
      scaffolderDatabaseProbe,
      karsPlugin,
      karsModuleEmbeddedCluster,
      catalogServiceMock.factory({ entities: entities as any[] }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => new CapturingRootLogger(),
      }),
      mockServices.rootConfig.factory({
        data: {
          kars: {
            clusters: [
              {
                name: 'embedded',
                type: 'embedded',
                // off unless a sandbox asks, so only tenant-s publishes through it
                a2aGateway: {
                  domain: 'agents.example.com',
                  issuer: { name: 'letsencrypt' },
                },
                embedded: {
                  readyDelayMs: 100,
                  bootstrapManifests: path.join(REPO, 'deploy'),
                },
              },
            ],
          },
        },
      }),
    ],
  });
  server = backend.server;
  // The kars backend logs where its embedded cluster listens; the test reads the cluster there.
  const started = logLines.find(l => l.includes('(kubeconfig '));
  const kubeconfigPath = started?.match(/\(kubeconfig (\S+)\)/)?.[1];
  if (!kubeconfigPath) throw new Error('the embedded cluster did not start');
  const kubeconfig = yaml.parse(fs.readFileSync(kubeconfigPath, 'utf8'));
  cluster.server = kubeconfig.clusters[0].cluster.server;
  cluster.token = kubeconfig.users[0].user.token;
  const caData = kubeconfig.clusters[0].cluster['certificate-authority-data'];
  cluster.ca = caData ? Buffer.from(caData, 'base64') : undefined;
});

describe('the kars templates through the real scaffolder, on an embedded cluster', () => {
  /** The spec after the create step, to compare the later changes against. */
  let created: Json;

  it('New agent sandbox creates the sandbox, its namespace and credentials, and waits until Running', async () => {
    const id = await startTask(
      'kars-sandbox',
      {
        name: 'tenant-x',
        owner: 'group:default/team-a',
        isolation: 'enhanced',
        model: 'gpt-4.1',
        perRequestTokens: 1000,
        dailyTokens: 50000,
        monthlyTokens: 1000000,
        hate: 'Low',
        selfHarm: 'Medium',
        sexual: 'Safe',
        violence: 'Medium',
        channels: ['telegram'],
        allowedEndpoints: [{ host: 'api.github.com', port: 443 }],
        governance: false,
        a2aDescription: 'Answers questions about the docs',
        a2aSkills: [],
        waitForRunning: true,
      },
      { TELEGRAM_BOT_TOKEN: TELEGRAM_FIRST },
    );
    // While the step waits for Running, the task's row holds no secrets: the scaffolder clears
    // them when a worker claims the task (task recovery is off).
    const processing = await waitFor('the task to be processing', async () => {
      const [row] = await scaffolderDb('tasks').where({ id });
      return row.status === 'open' ? undefined : row;
    });
    expect(processing).toMatchObject({ status: 'processing', secrets: null });

    const r = await finishTask(id);
    expect(r.status).toBe('completed');
    expect(r.log).toContain(
      'Sandbox tenant-x: credentials from the task secrets: TELEGRAM_BOT_TOKEN',
    );
    expect(r.log).toContain(
      'Created sandbox tenant-x in namespace kars-tenant-x on cluster embedded',
    );
    expect(r.log).toContain('Sandbox tenant-x is Running');
    expect(completion(r).output).toMatchObject({
      links: [
        {
          title: 'Open the sandbox in the catalog',
          entityRef: 'resource:default/tenant-x',
        },
        {
          title: 'Sandbox status (kars tab)',
          url: '/catalog/default/resource/tenant-x/kars',
        },
      ],
      text: [
        {
          title: 'Sandbox',
          content: 'Sandbox **tenant-x** runs in namespace `kars-tenant-x`.',
        },
      ],
    });

    const sandbox = await sandboxObject('tenant-x');
    expect(sandbox.spec).toEqual({
      owner: 'group:default/team-a',
      runtime: { kind: 'OpenClaw' },
      sandbox: { isolation: 'enhanced' },
      model: 'gpt-4.1',
      tokenBudget: {
        perRequestTokens: 1000,
        dailyTokens: 50000,
        monthlyTokens: 1000000,
      },
      contentSafety: {
        hate: 'Low',
        selfHarm: 'Medium',
        sexual: 'Safe',
        violence: 'Medium',
        devOnly: false,
      },
      channels: [{ type: 'telegram' }],
      networkPolicy: {
        allowedEndpoints: [{ host: 'api.github.com', port: 443 }],
      },
      governance: { enabled: false, trustThreshold: 500 },
      a2a: {
        enabled: true,
        description: 'Answers questions about the docs',
        skills: [],
      },
      resources: { limits: { cpu: '2', memory: '4Gi' } },
      suspended: false,
      inferenceRef: { name: 'tenant-x' },
    });
    expect(sandbox.status.phase).toBe('Running');
    expect(sandbox.metadata.annotations['kars.azure.com/credential-keys']).toBe(
      'TELEGRAM_BOT_TOKEN',
    );
    created = sandbox;

    const ns = await kube(namespacePath('tenant-x'));
    expect(ns.status).toBe(200);
    expect(ns.body.metadata.labels).toMatchObject({
      'kars.azure.com/sandbox': 'tenant-x',
      'kars.azure.com/role': 'sandbox',
    });
    expect(await credentials('tenant-x')).toEqual({
      TELEGRAM_BOT_TOKEN: TELEGRAM_FIRST,
    });
  });

  it('Change sandbox changes isolation, budgets and governance, and keeps what the form left empty', async () => {
    // As the scaffolder form submits it: lists nobody touched come as [], the selects as unchanged.
    const r = await run('kars-sandbox-change', {
      sandbox: 'resource:default/tenant-x',
      isolation: 'standard',
      perRequestTokens: 2000,
      dailyTokens: 80000,
      monthlyTokens: 2000000,
      channels: [],
      allowedEndpoints: [],
      governance: 'on',
      suspended: 'unchanged',
    });
    expect(r.status).toBe('completed');
    expect(r.log).toContain(
      'Sandbox tenant-x: changing governance, sandbox, tokenBudget',
    );
    expect(r.log).toContain('Changed sandbox tenant-x (generation 2)');
    expect(completion(r).output.text).toEqual([
      { title: 'Result', content: 'Sandbox **tenant-x**: changed.' },
    ]);

    const sandbox = await sandboxObject('tenant-x');
    expect(sandbox.metadata.generation).toBe(2);
    expect(sandbox.spec).toEqual({
      ...created.spec,
      sandbox: { isolation: 'standard' },
      tokenBudget: {
        perRequestTokens: 2000,
        dailyTokens: 80000,
        monthlyTokens: 2000000,
      },
      governance: { enabled: true, trustThreshold: 500 },
    });
    created = sandbox;
  });

  it.each([
    [
      'as the form submits it untouched',
      {
        sandbox: 'resource:default/tenant-x',
        channels: [],
        allowedEndpoints: [],
        governance: 'unchanged',
        suspended: 'unchanged',
      },
    ],
    ['with only the sandbox', { sandbox: 'resource:default/tenant-x' }],
  ])(
    'Change sandbox with every optional parameter unset (%s) changes nothing',
    async (_, values) => {
      const r = await run('kars-sandbox-change', values);
      expect(r.status).toBe('completed');
      expect(r.log).toContain('Sandbox tenant-x: changing nothing');
      expect(r.log).toContain(
        'Sandbox tenant-x already had this spec; nothing changed',
      );
      expect(completion(r).output.text).toEqual([
        {
          title: 'Result',
          content: 'Sandbox **tenant-x**: already like this, nothing changed.',
        },
      ]);
      const sandbox = await sandboxObject('tenant-x');
      expect(sandbox.metadata.generation).toBe(2);
      expect(sandbox.spec).toEqual(created.spec);
    },
  );

  it('Change sandbox switches the model, replaces the channels and the allowlist, turns governance off and suspends; then resumes', async () => {
    const r = await run('kars-sandbox-change', {
      sandbox: 'resource:default/tenant-x',
      model: 'gpt-4o',
      channels: ['slack', 'telegram'],
      allowedEndpoints: [{ host: 'api.example.com', port: 8443 }],
      governance: 'off',
      suspended: 'suspend',
    });
    expect(r.status).toBe('completed');
    expect(r.log).toContain(
      'Sandbox tenant-x: changing channels, governance, model, networkPolicy, suspended',
    );
    const changed = await sandboxObject('tenant-x');
    expect(changed.metadata.generation).toBe(3);
    expect(changed.spec).toEqual({
      ...created.spec,
      model: 'gpt-4o',
      channels: [{ type: 'slack' }, { type: 'telegram' }],
      networkPolicy: {
        allowedEndpoints: [{ host: 'api.example.com', port: 8443 }],
      },
      governance: { enabled: false, trustThreshold: 500 },
      suspended: true,
    });

    const resumed = await run('kars-sandbox-change', {
      sandbox: 'resource:default/tenant-x',
      channels: [],
      allowedEndpoints: [],
      governance: 'unchanged',
      suspended: 'resume',
    });
    expect(resumed.status).toBe('completed');
    expect(resumed.log).toContain('Sandbox tenant-x: changing suspended');
    const sandbox = await sandboxObject('tenant-x');
    expect(sandbox.metadata.generation).toBe(4);
    expect(sandbox.spec).toEqual({ ...changed.spec, suspended: false });
    created = sandbox;
  });

  it('refuses a spec kars-common does not allow before the step runs, naming the field and the rule, and writes nothing', async () => {
    const r = await run('kars-sandbox-bad-spec-test', {});
    expect(r.status).toBe('failed');
    expect(r.log).toContain(
      'Invalid input passed to action kars:sandbox:create',
    );
    expect(r.log).toContain('instance.spec.model does not match pattern');
    expect(r.log).toContain(
      'instance.spec.sandbox.isolation is not one of enum values: standard,enhanced,confidential',
    );
    expect(r.log).toContain(
      'instance.spec.channels[0] is not of a type(s) object',
    );
    expect(r.log).not.toContain('Creating sandbox tenant-z');
    expect((await kube(sandboxPath('tenant-z'))).status).toBe(404);
    expect((await kube(namespacePath('tenant-z'))).status).toBe(404);
  });

  it('Rotate sandbox credentials replaces the token, adds a key and restarts the sandbox', async () => {
    const deploymentPath =
      '/apis/apps/v1/namespaces/kars-tenant-x/deployments/tenant-x';
    const before = await kube(deploymentPath);
    expect(before.status).toBe(200);
    const restartedAt = (o: Json) =>
      o.metadata?.annotations?.['kars.azure.com/restarted-at'];

    const r = await run(
      'kars-sandbox-credentials',
      { sandbox: 'resource:default/tenant-x', restart: true },
      { TELEGRAM_BOT_TOKEN: TELEGRAM_ROTATED, OPENAI_API_KEY: OPENAI_KEY },
    );
    expect(r.status).toBe('completed');
    expect(r.log).toContain(
      'Sandbox tenant-x: setting OPENAI_API_KEY, TELEGRAM_BOT_TOKEN, then restarting it',
    );
    expect(r.log).toContain(
      'Sandbox tenant-x now has OPENAI_API_KEY, TELEGRAM_BOT_TOKEN; restarted',
    );
    expect(completion(r).output.text).toEqual([
      {
        title: 'Credentials',
        content: 'Keys now set: OPENAI_API_KEY, TELEGRAM_BOT_TOKEN.',
      },
    ]);

    expect(await credentials('tenant-x')).toEqual({
      OPENAI_API_KEY: OPENAI_KEY,
      TELEGRAM_BOT_TOKEN: TELEGRAM_ROTATED,
    });
    const sandbox = await sandboxObject('tenant-x');
    expect(sandbox.metadata.annotations['kars.azure.com/credential-keys']).toBe(
      'OPENAI_API_KEY,TELEGRAM_BOT_TOKEN',
    );
    expect(sandbox.spec).toEqual(created.spec);
    // The restart is an annotation on the KarsSandbox; the reconciler rolls the pod template to it.
    expect(restartedAt(sandbox)).toBeDefined();
    expect(restartedAt(sandbox)).not.toBe(
      restartedAt(before.body.spec.template),
    );
    const deadline = Date.now() + 30_000;
    let rolled: string | undefined;
    while (Date.now() < deadline) {
      rolled = restartedAt((await kube(deploymentPath)).body.spec.template);
      if (rolled === restartedAt(sandbox)) break;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    expect(rolled).toBe(restartedAt(sandbox));
  });

  it('rejects a name the template does not allow before any task starts', async () => {
    const tasksBefore = await scaffolderDb('tasks').count({ n: '*' });
    const res = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', alice)
      .send({
        templateRef: 'template:default/kars-sandbox',
        values: {
          name: 'Tenant_Y',
          owner: 'group:default/team-a',
          isolation: 'enhanced',
          model: 'gpt-4.1',
        },
        secrets: { TELEGRAM_BOT_TOKEN: BAD_TELEGRAM },
      });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ property: 'instance.name', name: 'pattern' }),
    ]);
    expect(res.text).not.toContain(BAD_TELEGRAM);
    expect(await scaffolderDb('tasks').count({ n: '*' })).toEqual(tasksBefore);
    expect((await kube(sandboxPath('tenant_y'))).status).toBe(404);
  });

  it.each([
    [
      'a reserved name',
      { name: 'system' },
      'name is reserved (system) [reserved-name]',
    ],
    [
      'budgets out of order',
      { name: 'tenant-y', dailyTokens: 5000, monthlyTokens: 1000 },
      'spec.tokenBudget.monthlyTokens must be at least dailyTokens (or 0 for unlimited) [monthly-at-least-daily]',
    ],
  ])(
    'New agent sandbox with %s fails naming the field and the rule, and creates nothing',
    async (_, values, message) => {
      const r = await run(
        'kars-sandbox',
        {
          owner: 'group:default/team-a',
          isolation: 'enhanced',
          model: 'gpt-4.1',
          channels: ['telegram'],
          waitForRunning: true,
          ...values,
        },
        { TELEGRAM_BOT_TOKEN: BAD_TELEGRAM },
      );
      expect(r.status).toBe('failed');
      expect(r.log).toContain(message);
      // the rejected token is named by its key and rule, never echoed (the scan below checks)
      expect(r.log).toContain(
        'credentials.TELEGRAM_BOT_TOKEN must be a BotFather token: <bot id>:<secret> [pattern]',
      );
      const sandboxes = await kube(
        '/apis/kars.azure.com/v1alpha1/namespaces/kars-system/karssandboxes',
      );
      expect(sandboxes.body.items.map((s: Json) => s.metadata.name)).toEqual([
        'tenant-x',
      ]);
      const namespaces = await kube(
        `/api/v1/namespaces?labelSelector=kars.azure.com/sandbox=${values.name}`,
      );
      expect(namespaces.body.items).toEqual([]);
    },
  );

  it('dry runs of the credentials and the delete template ask the kars backend and change nothing', async () => {
    const dryRun = async (
      template: Json,
      values: Json,
      secrets?: Record<string, string>,
    ) => {
      const res = await request(server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', alice)
        .send({ template, values, secrets, directoryContents: [] });
      expect(res.status).toBe(200);
      return (res.body.log as Json[]).map(l => l.body.message).join('\n');
    };
    const state = async () => ({
      secret: (await kube(credentialsPath('tenant-x'))).body.metadata
        .resourceVersion,
      keys: (await sandboxObject('tenant-x')).metadata.annotations[
        'kars.azure.com/credential-keys'
      ],
      deleting: Boolean(
        (await sandboxObject('tenant-x')).metadata.deletionTimestamp,
      ),
      namespace: (await kube(namespacePath('tenant-x'))).body.metadata.uid,
    });
    const before = await state();

    const rotateLog = await dryRun(
      templateFromDisk('kars-sandbox-credentials'),
      { sandbox: 'resource:default/tenant-x', restart: true },
      { OPENAI_API_KEY: OPENAI_KEY },
    );
    expect(rotateLog).toContain(
      'Dry run: would write OPENAI_API_KEY to Secret kars-tenant-x/tenant-x-credentials and restart the sandbox; nothing was written',
    );
    const deleteLog = await dryRun(deleteTemplate, {
      sandbox: 'resource:default/tenant-x',
    });
    expect(deleteLog).toContain(
      'Dry run: would delete sandbox tenant-x on cluster embedded, with namespace kars-tenant-x and everything in it; nothing was deleted',
    );
    expect(`${rotateLog}\n${deleteLog}`).not.toContain(OPENAI_KEY);
    expect(await state()).toEqual(before);
  });

  it('a delete template (made in this test) deletes the sandbox and its namespace', async () => {
    const r = await run('kars-sandbox-delete-test', {
      sandbox: 'resource:default/tenant-x',
    });
    expect(r.status).toBe('completed');
    expect(r.log).toContain('Sandbox tenant-x is gone');
    expect((await kube(sandboxPath('tenant-x'))).status).toBe(404);
    await waitFor('namespace kars-tenant-x to go', async () =>
      (await kube(namespacePath('tenant-x'))).status === 404 ? true : undefined,
    );
    expect((await kube(credentialsPath('tenant-x'))).status).toBe(404);
  });

  it('New agent sandbox sets runtime, cluster, limits, identity, plugin keys, WhatsApp and the public gateway', async () => {
    const r = await run(
      'kars-sandbox',
      {
        name: 'tenant-s',
        cluster: 'embedded',
        owner: 'group:default/team-a',
        runtime: 'LangGraph',
        isolation: 'standard',
        model: 'gpt-4o',
        channels: ['whatsapp'],
        allowedEndpoints: [{ host: 'api.tavily.com', port: 443 }],
        governance: false,
        a2aDescription: 'Searches the web',
        a2aSkills: [],
        publicGateway: 'on',
        cpuLimit: '1500m',
        memoryLimit: '2Gi',
        workloadIdentityClientId: CLIENT_ID,
        waitForRunning: true,
      },
      { BRAVE_API_KEY: BRAVE_KEY, TAVILY_API_KEY: TAVILY_KEY },
    );
    expect(r.status).toBe('completed');
    expect(r.log).toContain(
      'Sandbox tenant-s: credentials from the task secrets: BRAVE_API_KEY, TAVILY_API_KEY',
    );
    expect(r.log).toContain(
      'Sandbox tenant-s: a whatsapp channel: WHATSAPP_ENABLED=true in its credentials',
    );
    expect(r.log).toContain(
      'Created sandbox tenant-s in namespace kars-tenant-s on cluster embedded',
    );
    expect(r.log).toContain('Sandbox tenant-s is Running');

    const sandbox = await sandboxObject('tenant-s');
    expect(sandbox.spec).toMatchObject({
      runtime: { kind: 'LangGraph' },
      sandbox: { isolation: 'standard' },
      model: 'gpt-4o',
      channels: [{ type: 'whatsapp' }],
      networkPolicy: {
        allowedEndpoints: [{ host: 'api.tavily.com', port: 443 }],
      },
      a2a: {
        enabled: true,
        description: 'Searches the web',
        skills: [],
        publicGateway: true,
      },
      resources: { limits: { cpu: '1500m', memory: '2Gi' } },
      workloadIdentity: { clientId: CLIENT_ID },
    });
    expect(sandbox.metadata.annotations['kars.azure.com/credential-keys']).toBe(
      'BRAVE_API_KEY,TAVILY_API_KEY,WHATSAPP_ENABLED',
    );
    expect(await credentials('tenant-s')).toEqual({
      BRAVE_API_KEY: BRAVE_KEY,
      TAVILY_API_KEY: TAVILY_KEY,
      WHATSAPP_ENABLED: 'true',
    });
    // the fleet list names no channel without its credentials: WhatsApp counts as connected
    const res = await request(server)
      .get('/api/kars/sandboxes?name=tenant-s')
      .set('Authorization', alice);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        name: 'tenant-s',
        cluster: 'embedded',
        channelTrouble: [],
      }),
    ]);
  });

  it('Change sandbox, as the Change link fills it in, empties the channels and the allowlist, removes the identity and restores the gateway default', async () => {
    const before = await sandboxObject('tenant-s');
    const r = await run('kars-sandbox-change', {
      sandbox: 'resource:default/tenant-s',
      isolation: 'standard',
      model: 'gpt-4o',
      channels: [],
      replaceChannels: true,
      allowedEndpoints: [],
      replaceAllowlist: true,
      governance: 'off',
      publicGateway: 'default',
      cpuLimit: '1500m',
      memoryLimit: '2Gi',
      removeWorkloadIdentity: true,
      suspended: 'unchanged',
    });
    expect(r.status).toBe('completed');
    expect(r.log).toContain(
      'Sandbox tenant-s: changing a2a, channels, governance, model, networkPolicy, resources, sandbox, workloadIdentity',
    );
    const sandbox = await sandboxObject('tenant-s');
    expect(sandbox.metadata.generation).toBe(before.metadata.generation + 1);
    const { workloadIdentity: _removed, ...kept } = before.spec;
    expect(sandbox.spec).toEqual({
      ...kept,
      channels: [],
      networkPolicy: { allowedEndpoints: [] },
      a2a: { enabled: true, description: 'Searches the web', skills: [] },
    });
  });

  it('Change sandbox adding a whatsapp channel enables WhatsApp in the credentials, and Rotate turns it off', async () => {
    await run('kars-sandbox-credentials', {
      sandbox: 'resource:default/tenant-s',
      restart: false,
      whatsapp: 'off',
    });
    expect((await credentials('tenant-s')).WHATSAPP_ENABLED).toBe('false');

    const added = await run('kars-sandbox-change', {
      sandbox: 'resource:default/tenant-s',
      channels: ['whatsapp'],
    });
    expect(added.status).toBe('completed');
    expect((await sandboxObject('tenant-s')).spec.channels).toEqual([
      { type: 'whatsapp' },
    ]);
    // the key is there (switched off by hand), so the change leaves it
    expect(added.log).not.toContain('WHATSAPP_ENABLED=true');
    expect((await credentials('tenant-s')).WHATSAPP_ENABLED).toBe('false');

    const on = await run('kars-sandbox-credentials', {
      sandbox: 'resource:default/tenant-s',
      restart: false,
      whatsapp: 'on',
    });
    expect(on.status).toBe('completed');
    expect(on.log).toContain('Sandbox tenant-s: setting WHATSAPP_ENABLED');
    expect(await credentials('tenant-s')).toEqual({
      BRAVE_API_KEY: BRAVE_KEY,
      TAVILY_API_KEY: TAVILY_KEY,
      WHATSAPP_ENABLED: 'true',
    });
  });

  it('no secret value is in a task log, a stored task, the scaffolder database or a log line', async () => {
    const forms = SECRET_VALUES.flatMap(v => [
      v,
      Buffer.from(v).toString('base64'),
    ]);
    const rows = await scaffolderDb('tasks').select();
    const events = await scaffolderDb('task_events').select();
    expect(rows).toHaveLength(runs.length);
    expect(rows.every(row => row.secrets === null)).toBe(true);
    expect(events.length).toBeGreaterThan(runs.length);
    const places: Record<string, string> = {
      'task logs and events from the API': JSON.stringify(
        runs.map(r => r.events),
      ),
      'tasks from the API': JSON.stringify(runs.map(r => r.task)),
      'tasks table': JSON.stringify(rows),
      'task_events table': JSON.stringify(events),
      'log lines': logLines.join('\n'),
    };
    for (const [place, text] of Object.entries(places)) {
      for (const secret of forms) {
        expect({ place, found: text.includes(secret) }).toEqual({
          place,
          found: false,
        });
      }
    }
    // The scan is not vacuous: the run's parameters and logs are in those places.
    expect(places['tasks table']).toContain('api.github.com');
    expect(places['task_events table']).toContain('TELEGRAM_BOT_TOKEN');
    expect(places['log lines']).toContain('Created sandbox tenant-x');
  });
});
