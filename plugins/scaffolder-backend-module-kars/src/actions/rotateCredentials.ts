import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import { examples } from './rotateCredentials.examples';
import { CREDENTIAL_KEYS, credentialsFromSecrets, InjectedZod } from './inputs';
import { callKars, karsCaller, KarsActionOptions } from './karsClient';

/**
 * The credentials a rotation writes: those from the task's secrets, and `WHATSAPP_ENABLED` as
 * "true" or "false" when the input turns WhatsApp on or off. Undefined when there are none.
 */
export function rotatedCredentials(
  fromSecrets: Record<string, string> | undefined,
  whatsappEnabled: boolean | undefined,
): Record<string, string> | undefined {
  if (whatsappEnabled === undefined) return fromSecrets;
  return { ...fromSecrets, WHATSAPP_ENABLED: String(whatsappEnabled) };
}

/**
 * `kars:credentials:rotate`: sets or rotates a sandbox's channel tokens and plugin keys, and turns
 * WhatsApp on or off. The secret values come only from the task's secrets, under their credential
 * key names; input carries none.
 * @public
 */
export function createKarsCredentialsRotateAction(options: KarsActionOptions) {
  const { client, callOptions } = karsCaller(options);
  return createTemplateAction({
    id: 'kars:credentials:rotate',
    description: `Sets or rotates the credentials of a kars sandbox. Values are read from the task secrets named like the credential keys (${CREDENTIAL_KEYS.join(
      ', ',
    )}), never from input, and are never logged or output. whatsappEnabled writes WHATSAPP_ENABLED ("true" or "false"), which is no secret.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: (z: InjectedZod) => z.string().describe('The sandbox'),
        restart: (z: InjectedZod) =>
          z
            .boolean()
            .default(true)
            .describe(
              'Roll the sandbox so the runtime picks the new values up',
            ),
        mode: (z: InjectedZod) =>
          z
            .enum(['merge', 'replace'])
            .default('merge')
            .describe(
              'merge keeps keys not given; replace removes them from the Secret',
            ),
        whatsappEnabled: (z: InjectedZod) =>
          z
            .boolean()
            .optional()
            .describe(
              'Turn WhatsApp on or off: WHATSAPP_ENABLED "true" or "false" in the Secret (left out: unchanged)',
            ),
      },
      output: {
        credentialKeys: (z: InjectedZod) =>
          z
            .array(z.string())
            .describe(
              'Names of the keys now set in the credentials Secret (never values)',
            ),
        restarted: (z: InjectedZod) => z.boolean(),
      },
    },
    async handler(ctx) {
      // The scaffolder validates input against the schema but does not fill defaults in.
      const {
        name,
        restart = true,
        mode = 'merge',
        whatsappEnabled,
      } = ctx.input;
      const credentials = rotatedCredentials(
        credentialsFromSecrets(ctx.secrets),
        whatsappEnabled,
      );
      if (!credentials) {
        throw new InputError(
          `No credentials in the task secrets and no whatsappEnabled: give at least one of ${CREDENTIAL_KEYS.join(
            ', ',
          )}`,
        );
      }
      const keys = Object.keys(credentials).sort();
      ctx.logger.info(
        `Sandbox ${name}: ${
          mode === 'replace' ? 'replacing' : 'setting'
        } ${keys.join(', ')}${restart ? ', then restarting it' : ''}`,
      );

      if (ctx.isDryRun) {
        // The backend checks the same permission and validates the values as for the real write,
        // and writes nothing: a dry run fails where the real run would.
        const plan = await callKars(
          `Checking the credentials of sandbox ${name}`,
          async () =>
            client.putCredentials(
              name,
              { credentials, mode, restart },
              { ...(await callOptions(ctx)), dryRun: true },
            ),
        );
        if (!('dryRun' in plan) || plan.dryRun !== true) {
          throw new Error(
            `Checking the credentials of sandbox ${name}: the kars backend did not answer a dry run`,
          );
        }
        let restarting = '';
        if (plan.wouldRestart) restarting = ' and restart the sandbox';
        else if (restart)
          restarting = ' (the sandbox has no Deployment to restart yet)';
        ctx.logger.info(
          `Dry run: would write ${keys.join(', ')} to Secret ${
            plan.secret.namespace
          }/${plan.secret.name}${
            plan.removed.length ? `, removing ${plan.removed.join(', ')}` : ''
          }${restarting}; nothing was written`,
        );
        ctx.output('credentialKeys', plan.credentialKeys);
        ctx.output('restarted', false);
        return;
      }

      const result = await ctx.checkpoint({
        key: `kars.credentials.rotate.${name}`,
        fn: async () => {
          const res = await callKars(
            `Rotating the credentials of sandbox ${name}`,
            async () =>
              client.putCredentials(
                name,
                { credentials, mode, restart },
                await callOptions(ctx),
              ),
          );
          return {
            credentialKeys: res.credentialKeys,
            restarted: res.restarted,
          };
        },
      });
      ctx.logger.info(
        `Sandbox ${name} now has ${result.credentialKeys.join(', ')}${
          result.restarted ? '; restarted' : ''
        }`,
      );
      ctx.output('credentialKeys', result.credentialKeys);
      ctx.output('restarted', result.restarted);
    },
  });
}
