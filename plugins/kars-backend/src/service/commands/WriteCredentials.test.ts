import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { fakeCluster, sandboxObject } from '../../__testUtils__/fakeClusters';
import { CredentialsWriter } from '../CredentialsWriter';
import { FleetIndex } from '../FleetIndex';
import { KarsInputError } from '../validation';
import { WriteCredentials } from './WriteCredentials';

const SLACK = 'xoxb-1111-2222-SeCrEtSlAcKvAlUe';

/** The command over tenant-a (and tenant-d, being deleted), with a writer that writes nothing. */
function credentials() {
  const written: unknown[][] = [];
  const writer = {
    write: async (...args: unknown[]) => {
      written.push(args);
      return {
        credentialKeys: ['SLACK_BOT_TOKEN', 'TELEGRAM_BOT_TOKEN'],
        restarted: true,
        sandboxResourceVersion: '1',
      };
    },
  } as unknown as CredentialsWriter;
  const fleet = new FleetIndex([
    fakeCluster({
      objects: () => [
        sandboxObject('tenant-a'),
        sandboxObject(
          'tenant-d',
          { owner: 'group:default/team-a' },
          { deletionTimestamp: '2026-01-01T00:00:00Z' },
        ),
      ],
    }),
  ]);
  return {
    command: new WriteCredentials(fleet, writer, mockServices.logger.mock()),
    written,
  };
}

describe('WriteCredentials', () => {
  it.each([
    [
      'a bad value: a 400 naming the key and the rule, never the value',
      {
        name: 'tenant-a',
        body: { credentials: { SLACK_BOT_TOKEN: 'SeCrEt' } },
      },
      KarsInputError,
      'credentials.SLACK_BOT_TOKEN',
    ],
    [
      'a sandbox being deleted: a 409',
      { name: 'tenant-d', body: { credentials: { SLACK_BOT_TOKEN: SLACK } } },
      ConflictError,
      'sandbox tenant-d is being deleted',
    ],
    [
      'an unknown sandbox: a 404',
      { name: 'tenant-x', body: { credentials: { SLACK_BOT_TOKEN: SLACK } } },
      NotFoundError,
      'no sandbox named tenant-x',
    ],
  ])('refuses %s', async (_what, input, type, message) => {
    const { command } = credentials();
    const error = await command.admit(input).then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('SeCrEt');
  });

  it.each([
    [
      'merge',
      true,
      'set credential keys SLACK_BOT_TOKEN; rolled the Deployment',
    ],
    ['replace', false, 'replaced credential keys SLACK_BOT_TOKEN; no restart'],
  ] as const)(
    'writes (%s, restart %s) through the writer and says so by key name: %s',
    async (mode, restarted, message) => {
      const { command, written } = credentials();
      const plan = await command.admit({
        name: 'tenant-a',
        body: { credentials: { SLACK_BOT_TOKEN: SLACK }, mode, restart: true },
      });
      const result = await command.execute(plan);
      expect(written).toEqual([
        [
          plan.cluster,
          plan.object,
          { SLACK_BOT_TOKEN: SLACK },
          { mode, restart: true },
        ],
      ]);
      expect(command.describe({ ...result, restarted }, plan)).toBe(message);
    },
  );
});
