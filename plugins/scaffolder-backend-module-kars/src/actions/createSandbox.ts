import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  KarsApi,
  KarsRequestOptions,
  Sandbox,
  sandboxEntityRefs,
  sandboxNamespace,
  sandboxSpecJsonSchema,
  SandboxSpecInput,
} from '@kars-portal/plugin-kars-common';
import { examples } from './createSandbox.examples';
import {
  credentialsForChannels,
  credentialsFromSecrets,
  InjectedZod,
  ISOLATION_LEVELS_TEXT,
  withSpecSchema,
} from './inputs';
import { callKars, karsCaller, KarsActionOptions, sleep } from './karsClient';

/** Links to the sandbox's entity page and its kars tab. */
export function sandboxLinks(name: string) {
  const page = `/catalog/default/resource/${encodeURIComponent(name)}`;
  return [
    {
      title: 'Open the sandbox in the catalog',
      url: page,
      entityRef: sandboxEntityRefs(name).resource,
    },
    { title: 'Sandbox status (kars tab)', url: `${page}/kars` },
  ];
}

const outputSchema = {
  name: (z: InjectedZod) => z.string().describe('The sandbox name'),
  namespace: (z: InjectedZod) =>
    z.string().describe('The tenant namespace, kars-<name>'),
  cluster: (z: InjectedZod) =>
    z.string().optional().describe('The cluster the sandbox lives on'),
  entityRef: (z: InjectedZod) =>
    z.string().describe('Entity ref of the sandbox Resource'),
  links: (z: InjectedZod) =>
    z
      .array(
        z.object({
          title: z.string(),
          url: z.string(),
          entityRef: z.string().optional(),
        }),
      )
      .describe('Links to the entity page and the kars tab'),
  renderedObjects: (z: InjectedZod) =>
    z
      .array(z.string())
      .optional()
      .describe('Dry run only: Kind namespace/name of every rendered object'),
};

/**
 * Reasons of a Degraded condition that do not pass by themselves (see the reconciler's
 * computeStatus): a namespace kars portal did not make stays someone else's. Other Degraded
 * reasons (a failed apply) are retried by the reconciler.
 */
const TERMINAL_DEGRADED_REASONS = ['NamespaceOwnershipConflict'];

/** Why a sandbox will not become Running without someone acting, or undefined while it still may. */
function terminalState(sandbox: Sandbox): string | undefined {
  const phase = sandbox.status?.phase;
  const conditions = sandbox.status?.conditions ?? [];
  const condition = (type: string) => conditions.find(c => c.type === type);
  const why = (c: { reason: string; message: string } | undefined) =>
    c ? `: ${c.reason}${c.message ? `: ${c.message}` : ''}` : '';
  const degraded = condition('Degraded');
  const isDegraded = degraded?.status === 'True';
  if (phase === 'Failed') {
    const notReady = conditions.find(
      c => c.type === 'Ready' && c.status === 'False',
    );
    return `is Failed${why(isDegraded ? degraded : notReady)}`;
  }
  if (phase === 'Terminating') {
    return 'is Terminating: it is being deleted';
  }
  if (
    phase === 'Degraded' &&
    isDegraded &&
    TERMINAL_DEGRADED_REASONS.includes(degraded.reason)
  ) {
    return `is Degraded${why(degraded)}`;
  }
  return undefined;
}

/**
 * Logs phase and condition changes until the sandbox is Running, the timeout passes or the task
 * aborts; fails at once when the sandbox is Failed, Terminating or Degraded for good.
 */
export async function waitUntilRunning(args: {
  client: KarsApi;
  name: string;
  timeoutSeconds: number;
  pollIntervalMs: number;
  logger: LoggerService;
  options: () => Promise<KarsRequestOptions>;
  signal?: AbortSignal;
}): Promise<Sandbox> {
  const { client, name, logger, signal } = args;
  const deadline = Date.now() + args.timeoutSeconds * 1000;
  let phase: string | undefined;
  const seen = new Map<string, string>();
  logger.info(
    `Waiting up to ${args.timeoutSeconds}s for sandbox ${name} to be Running`,
  );
  for (;;) {
    if (signal?.aborted) {
      throw new Error(
        `Stopped waiting for sandbox ${name}: the task was cancelled`,
      );
    }
    const sandbox = await callKars(`Reading sandbox ${name}`, async () =>
      client.getSandbox(name, await args.options()),
    );
    const current = sandbox.status?.phase ?? 'Pending';
    if (current !== phase) {
      logger.info(`Sandbox ${name} is ${current}`);
      phase = current;
    }
    for (const c of sandbox.status?.conditions ?? []) {
      const line = `${c.status} ${c.reason}${
        c.message ? `: ${c.message}` : ''
      }`;
      if (seen.get(c.type) !== line) {
        seen.set(c.type, line);
        logger.info(`  condition ${c.type}=${line}`);
      }
    }
    if (current === 'Running') return sandbox;
    const terminal = terminalState(sandbox);
    if (terminal) {
      throw new Error(
        `Sandbox ${name} ${terminal}; it will not become Running without a change`,
      );
    }
    if (Date.now() >= deadline) {
      const trouble = (sandbox.status?.conditions ?? [])
        .filter(c => c.status !== 'True' || c.type === 'Degraded')
        .map(c => `${c.type}=${c.status} (${c.reason})`)
        .join(', ');
      throw new Error(
        `Sandbox ${name} was not Running after ${
          args.timeoutSeconds
        }s: phase ${current}${trouble ? `; ${trouble}` : ''}`,
      );
    }
    try {
      await sleep(
        Math.min(args.pollIntervalMs, Math.max(0, deadline - Date.now())),
        signal,
      );
    } catch {
      throw new Error(
        `Stopped waiting for sandbox ${name}: the task was cancelled`,
      );
    }
  }
}

/**
 * `kars:sandbox:create`: creates a sandbox through the kars backend on behalf of the task's
 * initiator. Channel tokens and plugin keys come only from the task's secrets; WhatsApp among the
 * channels adds `WHATSAPP_ENABLED: "true"` to them.
 * @public
 */
export function createKarsSandboxCreateAction(options: KarsActionOptions) {
  const { client, callOptions } = karsCaller(options);
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const action = createTemplateAction({
    id: 'kars:sandbox:create',
    description:
      'Creates a kars agent sandbox through the kars backend, optionally waiting until it is Running. ' +
      'Channel tokens and plugin keys are read from the task secrets (keys named like TELEGRAM_BOT_TOKEN), never from input; ' +
      'a whatsapp channel sets WHATSAPP_ENABLED=true in the credentials.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: (z: InjectedZod) =>
          z
            .string()
            .describe(
              'Sandbox name: a DNS-1035 label, not reserved; the tenant namespace is kars-<name>',
            ),
        cluster: (z: InjectedZod) =>
          z
            .string()
            .optional()
            .describe('Cluster to create it on (default: the default cluster)'),
        spec: (z: InjectedZod) =>
          z
            .custom<SandboxSpecInput>()
            .optional()
            .describe(
              'The sandbox spec, in the shape of the KarsSandbox spec (kars-common): owner, runtime.kind, ' +
                `sandbox.isolation (${ISOLATION_LEVELS_TEXT}), model, tokenBudget, contentSafety, channels, ` +
                'networkPolicy.allowedEndpoints, governance, a2a, resources.limits, workloadIdentity.clientId, suspended. ' +
                'A field left out takes its default (enhanced isolation, gpt-4.1, no limits on tokens). ' +
                'Channel tokens are no part of it: they come from the task secrets',
            ),
        waitForRunning: (z: InjectedZod) =>
          z
            .boolean()
            .default(false)
            .describe('Wait until the sandbox is Running'),
        timeoutSeconds: (z: InjectedZod) =>
          z
            .number()
            .int()
            .min(1)
            .max(3600)
            .default(600)
            .describe('How long to wait for Running'),
      },
      output: outputSchema,
    },
    async handler(ctx) {
      // The scaffolder validates input against the schema but does not fill defaults in.
      const {
        name,
        cluster: clusterInput,
        spec,
        waitForRunning = false,
        timeoutSeconds = 600,
      } = ctx.input;
      const cluster = clusterInput?.trim() ? clusterInput.trim() : undefined;
      const fromSecrets = credentialsFromSecrets(ctx.secrets);
      const credentials = credentialsForChannels(fromSecrets, spec?.channels);
      const request = { name, cluster, spec, credentials };
      const keys = Object.keys(fromSecrets ?? {}).sort();
      ctx.logger.info(
        `Sandbox ${name}: credentials from the task secrets: ${
          keys.length ? keys.join(', ') : 'none'
        }`,
      );
      if (credentials !== fromSecrets) {
        ctx.logger.info(
          `Sandbox ${name}: a whatsapp channel: WHATSAPP_ENABLED=true in its credentials`,
        );
      }
      const entityRef = sandboxEntityRefs(name).resource;

      if (ctx.isDryRun) {
        const rendered = await callKars(`Rendering sandbox ${name}`, async () =>
          client.renderSandbox(request, await callOptions(ctx)),
        );
        const objects = rendered.objects.map(
          o =>
            `${o.kind} ${
              o.metadata.namespace ? `${o.metadata.namespace}/` : ''
            }${o.metadata.name}`,
        );
        ctx.logger.info(
          `Dry run: sandbox ${name} on cluster ${rendered.cluster} would render ${objects.length} objects; nothing was written`,
        );
        for (const o of objects) ctx.logger.info(`  ${o}`);
        ctx.output('name', name);
        ctx.output('namespace', sandboxNamespace(name));
        ctx.output('cluster', rendered.cluster);
        ctx.output('entityRef', entityRef);
        ctx.output('links', sandboxLinks(name));
        ctx.output('renderedObjects', objects);
        return;
      }

      const created = await ctx.checkpoint({
        key: `kars.sandbox.create.${name}`,
        fn: async () => {
          const res = await callKars(`Creating sandbox ${name}`, async () =>
            client.createSandbox(request, await callOptions(ctx)),
          );
          return {
            namespace: res.sandbox.namespace,
            cluster: res.sandbox.cluster,
            changed: res.changed,
          };
        },
      });
      ctx.logger.info(
        created.changed
          ? `Created sandbox ${name} in namespace ${created.namespace} on cluster ${created.cluster}`
          : `Sandbox ${name} already exists with this spec; nothing changed`,
      );

      if (waitForRunning) {
        await waitUntilRunning({
          client,
          name,
          timeoutSeconds,
          pollIntervalMs,
          logger: ctx.logger,
          options: () => callOptions(ctx),
          signal: ctx.signal,
        });
      }
      ctx.output('name', name);
      ctx.output('namespace', created.namespace);
      ctx.output('cluster', created.cluster);
      ctx.output('entityRef', entityRef);
      ctx.output('links', sandboxLinks(name));
    },
  });
  return withSpecSchema(action, sandboxSpecJsonSchema(), { required: false });
}
