import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ManifestsResponse,
  sandboxPatchJsonSchema,
  UpdateSandboxRequest,
} from '@kars-portal/plugin-kars-common';
import { examples } from './updateSandbox.examples';
import {
  hasWhatsApp,
  InjectedZod,
  ISOLATION_LEVELS_TEXT,
  withSpecSchema,
} from './inputs';
import { callKars, karsCaller, KarsActionOptions } from './karsClient';

/**
 * The change without the objects that carry nothing: a merge of `tokenBudget: {}` changes nothing,
 * so it is neither sent nor named. A form leaves such objects behind for fields nobody filled in.
 */
function withoutEmptyObjects(
  patch: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(patch).flatMap(([key, value]) => {
      if (value === undefined) return [];
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return [[key, value]];
      }
      const inner = withoutEmptyObjects(value as Record<string, unknown>);
      return Object.keys(inner).length ? [[key, inner]] : [];
    }),
  );
}

/**
 * `kars:sandbox:update`: changes a sandbox with a change in the shape of its spec: isolation, model,
 * budgets, content safety, channels, egress allowlist, governance, A2A card, limits, identity or
 * suspension. Objects merge into the current spec; arrays (channels, allowlist, skills) replace;
 * `workloadIdentity: null` removes the workload identity, `a2a.publicGateway: null` restores the
 * cluster's default. Fields left out are left as they are. Channels that include WhatsApp also set
 * `WHATSAPP_ENABLED: "true"` in the credentials when the Secret lacks it.
 * @public
 */
export function createKarsSandboxUpdateAction(options: KarsActionOptions) {
  const { client, callOptions } = karsCaller(options);
  const action = createTemplateAction({
    id: 'kars:sandbox:update',
    description:
      'Changes a kars sandbox through the kars backend: isolation, model, budgets, content safety, channels, egress allowlist, governance, A2A card, limits, workload identity, suspension. ' +
      'The change has the shape of the spec; fields left out are left as they are, objects merge, arrays replace, workloadIdentity: null removes the workload identity, ' +
      "a2a.publicGateway: null restores the cluster's default. Channels with whatsapp set WHATSAPP_ENABLED=true in the credentials when it is not set.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: (z: InjectedZod) => z.string().describe('The sandbox to change'),
        spec: (z: InjectedZod) =>
          z
            .custom<UpdateSandboxRequest>()
            .describe(
              'The change, in the shape of the KarsSandbox spec (kars-common): any of owner, ' +
                `sandbox.isolation (${ISOLATION_LEVELS_TEXT}), model, tokenBudget, contentSafety, channels, ` +
                'networkPolicy.allowedEndpoints, governance, a2a, resources.limits, workloadIdentity, suspended; ' +
                'the runtime is fixed at creation. Objects merge into the current spec; arrays replace it, so [] clears; ' +
                "workloadIdentity: null removes the workload identity; a2a.publicGateway: null restores the cluster's default. " +
                'The backend judges the merged spec as a whole',
            ),
      },
      output: {
        name: (z: InjectedZod) => z.string(),
        changed: (z: InjectedZod) =>
          z.boolean().describe('false when the spec already was like this'),
        generation: (z: InjectedZod) =>
          z
            .number()
            .optional()
            .describe('The sandbox generation after the change'),
        renderedObjects: (z: InjectedZod) =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Dry run only: Kind namespace/name of every rendered object',
            ),
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      const patch = withoutEmptyObjects(ctx.input.spec) as UpdateSandboxRequest;
      const changing = Object.keys(patch).sort();
      ctx.logger.info(
        `Sandbox ${name}: changing ${
          changing.length ? changing.join(', ') : 'nothing'
        }`,
      );

      if (ctx.isDryRun) {
        const rendered = (await callKars(
          `Checking the change of sandbox ${name}`,
          async () =>
            client.updateSandbox(name, patch, {
              ...(await callOptions(ctx)),
              dryRun: true,
            }),
        )) as ManifestsResponse;
        const objects = (rendered.objects ?? []).map(
          o =>
            `${o.kind} ${
              o.metadata.namespace ? `${o.metadata.namespace}/` : ''
            }${o.metadata.name}`,
        );
        ctx.logger.info(
          `Dry run: sandbox ${name} would render ${objects.length} objects after the change; nothing was written`,
        );
        for (const o of objects) ctx.logger.info(`  ${o}`);
        if (hasWhatsApp(patch.channels)) {
          ctx.logger.info(
            `Dry run: the change would also set WHATSAPP_ENABLED=true in the credentials of sandbox ${name} if they lack it`,
          );
        }
        ctx.output('name', name);
        ctx.output('changed', false);
        ctx.output('renderedObjects', objects);
        return;
      }

      const result = await ctx.checkpoint({
        key: `kars.sandbox.update.${name}`,
        fn: async () => {
          const res = await callKars(`Changing sandbox ${name}`, async () =>
            client.updateSandbox(name, patch, await callOptions(ctx)),
          );
          if (!('sandbox' in res)) {
            throw new Error(`Changing sandbox ${name}: unexpected answer`);
          }
          return {
            changed: res.changed,
            generation: res.sandbox.generation,
            credentialKeys: res.sandbox.credentialKeys,
          };
        },
      });
      ctx.logger.info(
        result.changed
          ? `Changed sandbox ${name} (generation ${result.generation})`
          : `Sandbox ${name} already had this spec; nothing changed`,
      );
      if (
        hasWhatsApp(patch.channels) &&
        !result.credentialKeys.includes('WHATSAPP_ENABLED')
      ) {
        await ctx.checkpoint({
          key: `kars.sandbox.update.${name}.whatsapp`,
          fn: async () => {
            await callKars(`Enabling WhatsApp on sandbox ${name}`, async () =>
              client.putCredentials(
                name,
                {
                  credentials: { WHATSAPP_ENABLED: 'true' },
                  mode: 'merge',
                  restart: true,
                },
                await callOptions(ctx),
              ),
            );
          },
        });
        ctx.logger.info(
          `Sandbox ${name}: WHATSAPP_ENABLED=true in its credentials for the whatsapp channel; restarted`,
        );
      }
      ctx.output('name', name);
      ctx.output('changed', result.changed);
      ctx.output('generation', result.generation);
    },
  });
  return withSpecSchema(action, sandboxPatchJsonSchema(), { required: true });
}
