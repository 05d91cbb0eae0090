import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { NotFoundError } from '@backstage/errors';
import { examples } from './deleteSandbox.examples';
import { InjectedZod } from './inputs';
import {
  backendError,
  callKars,
  karsCaller,
  KarsActionOptions,
  sleep,
} from './karsClient';

/**
 * `kars:sandbox:delete`: deletes a sandbox (its namespace and everything in it), optionally waiting
 * until the backend no longer knows it.
 * @public
 */
export function createKarsSandboxDeleteAction(options: KarsActionOptions) {
  const { client, callOptions } = karsCaller(options);
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  return createTemplateAction({
    id: 'kars:sandbox:delete',
    description:
      'Deletes a kars sandbox through the kars backend: its tenant namespace and everything in it go.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: (z: InjectedZod) => z.string().describe('The sandbox to delete'),
        waitUntilGone: (z: InjectedZod) =>
          z.boolean().default(false).describe('Wait until the sandbox is gone'),
        timeoutSeconds: (z: InjectedZod) =>
          z
            .number()
            .int()
            .min(1)
            .max(3600)
            .default(300)
            .describe('How long to wait'),
      },
      output: {
        name: (z: InjectedZod) => z.string(),
      },
    },
    async handler(ctx) {
      // The scaffolder validates input against the schema but does not fill defaults in.
      const { name, waitUntilGone = false, timeoutSeconds = 300 } = ctx.input;
      if (ctx.isDryRun) {
        // The backend checks the same permission as for the real delete and deletes nothing: a dry
        // run fails where the real run would.
        const plan = await callKars(
          `Checking the delete of sandbox ${name}`,
          async () =>
            client.deleteSandbox(name, {
              ...(await callOptions(ctx)),
              dryRun: true,
            }),
        );
        if (!plan || plan.dryRun !== true) {
          throw new Error(
            `Checking the delete of sandbox ${name}: the kars backend did not answer a dry run`,
          );
        }
        const { namespace } = plan;
        let what = `, with namespace ${namespace.name} and everything in it`;
        if (!namespace.exists) {
          what = ` (its namespace ${namespace.name} does not exist)`;
        } else if (!namespace.deleted) {
          what = `; its namespace ${namespace.name} was not made by kars portal for it and would stay`;
        }
        ctx.logger.info(
          `Dry run: would delete sandbox ${name} on cluster ${plan.cluster}${what}; nothing was deleted`,
        );
        ctx.output('name', name);
        return;
      }

      await ctx.checkpoint({
        key: `kars.sandbox.delete.${name}`,
        fn: async () => {
          await callKars(`Deleting sandbox ${name}`, async () =>
            client.deleteSandbox(name, await callOptions(ctx)),
          );
        },
      });
      ctx.logger.info(`Deleting sandbox ${name}`);

      if (waitUntilGone) {
        const deadline = Date.now() + timeoutSeconds * 1000;
        for (;;) {
          try {
            await client.getSandbox(name, await callOptions(ctx));
          } catch (error) {
            const e = backendError(error, `Reading sandbox ${name}`);
            if (e instanceof NotFoundError) break;
            throw e;
          }
          if (Date.now() >= deadline) {
            throw new Error(
              `Sandbox ${name} was not gone after ${timeoutSeconds}s`,
            );
          }
          try {
            await sleep(pollIntervalMs, ctx.signal);
          } catch {
            throw new Error(
              `Stopped waiting for sandbox ${name}: the task was cancelled`,
            );
          }
        }
        ctx.logger.info(`Sandbox ${name} is gone`);
      }
      ctx.output('name', name);
    },
  });
}
