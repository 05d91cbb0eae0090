import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import {
  ManifestsResponse,
  UpdateSandboxRequest,
} from '@kars-portal/plugin-kars-common';
import { examples } from './updateSandbox.examples';
import {
  InjectedZod,
  PATCHABLE_FIELDS,
  sandboxSpecFieldInputs,
  toSpec,
} from './inputs';
import { callKars, karsCaller, KarsActionOptions } from './karsClient';

const patchableInputs = Object.fromEntries(
  PATCHABLE_FIELDS.map(f => [f, sandboxSpecFieldInputs[f]]),
) as Pick<typeof sandboxSpecFieldInputs, (typeof PATCHABLE_FIELDS)[number]>;

/**
 * `kars:sandbox:update`: changes isolation, model, budgets, content safety, channels, egress
 * allowlist, governance, A2A card, limits, identity or suspension of a sandbox. Objects merge into the
 * current spec; arrays (channels, allowlist, skills) replace. Absent inputs are left as they are.
 * `clearWorkloadIdentity: true` removes the workload identity (sends `workloadIdentity: null`).
 * @public
 */
export function createKarsSandboxUpdateAction(options: KarsActionOptions) {
  const { client, callOptions } = karsCaller(options);
  return createTemplateAction({
    id: 'kars:sandbox:update',
    description:
      'Changes a kars sandbox through the kars backend: isolation, model, budgets, content safety, channels, egress allowlist, governance, A2A card, limits, workload identity, suspension. Absent inputs are left unchanged; arrays replace; clearWorkloadIdentity removes the workload identity.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: (z: InjectedZod) => z.string().describe('The sandbox to change'),
        ...patchableInputs,
        clearWorkloadIdentity: (z: InjectedZod) =>
          z
            .boolean()
            .optional()
            .describe(
              "Remove the sandbox's own workload-identity client id (the ServiceAccount falls back to the cluster's default, if any). An empty workloadIdentityClientId leaves it as it is; this clears it. Not together with workloadIdentityClientId",
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
      const { name, clearWorkloadIdentity, ...fields } = ctx.input;
      const patch: UpdateSandboxRequest = toSpec(fields);
      if (clearWorkloadIdentity) {
        if (patch.workloadIdentity) {
          throw new InputError(
            'Give either clearWorkloadIdentity or workloadIdentityClientId, not both',
          );
        }
        patch.workloadIdentity = null;
      }
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
          return { changed: res.changed, generation: res.sandbox.generation };
        },
      });
      ctx.logger.info(
        result.changed
          ? `Changed sandbox ${name} (generation ${result.generation})`
          : `Sandbox ${name} already had this spec; nothing changed`,
      );
      ctx.output('name', name);
      ctx.output('changed', result.changed);
      ctx.output('generation', result.generation);
    },
  });
}
