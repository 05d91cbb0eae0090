import { CHANNEL_TYPES } from '@kars-portal/plugin-kars-common';
import { channelLine } from '@kars-portal/workload-simulator';
import {
  channelFromCondition,
  channelLines,
  channelsFromLog,
} from './channels';

describe('channelsFromLog', () => {
  // The simulated runtimes print what the table reads: every state, for every runtime and channel.
  describe.each(['OpenClaw', 'Hermes', 'BYO'])('%s', runtime => {
    it.each(CHANNEL_TYPES)(
      'reads %s connecting, connected, failing and back',
      channel => {
        const ok = { channel, configured: true, failing: false };
        const refused = { ...ok, failing: true };
        const state = (...lines: string[]) =>
          channelsFromLog(runtime, lines.join('\n')).get(channel)?.connection;
        const start = channelLine(runtime, ok, 'start', 'tenant-a');
        expect(state(start)).toBe('connecting');
        expect(state(start, channelLine(runtime, ok, 'up', 'tenant-a'))).toBe(
          'connected',
        );
        expect(
          state(start, channelLine(runtime, refused, 'up', 'tenant-a')),
        ).toBe('failing');
        expect(
          state(
            start,
            channelLine(runtime, refused, 'retry', 'tenant-a'),
            channelLine(runtime, ok, 'up', 'tenant-a'),
          ),
        ).toBe('connected');
        expect(
          state(
            channelLine(
              runtime,
              { ...ok, configured: false },
              'start',
              'tenant-a',
            ),
          ),
        ).toBeUndefined();
      },
    );
  });

  it('keeps each channel apart, reads lines with the kubelet timestamps, and ignores other runtimes formats', () => {
    const log = [
      '2026-12-05T10:00:00.000000001Z [telegram] connecting (long polling)',
      '2026-12-05T10:00:01.000000001Z [slack] connecting (socket mode)',
      '2026-12-05T10:00:02.000000001Z [telegram] connected as tenant-a-bot',
      '2026-12-05T10:00:03.000000001Z [slack] error: invalid_auth; retrying in 30s',
      'INFO kars.channels: discord connected as tenant-a-bot',
    ].join('\n');
    const found = channelsFromLog('OpenClaw', log);
    const source = "the agent's log (OpenClaw format)";
    expect(Object.fromEntries(found)).toEqual({
      telegram: { connection: 'connected', source },
      slack: { connection: 'failing', source },
    });
  });
});

describe('channelLines', () => {
  it.each(['OpenClaw', 'Hermes', 'BYO'])(
    'keeps of a %s log what channelsFromLog reads, whatever lines follow',
    runtime => {
      const ok = {
        channel: 'telegram' as const,
        configured: true,
        failing: false,
      };
      const refused = { ...ok, channel: 'slack' as const, failing: true };
      const start = [
        `2026-12-05T10:00:00.000000001Z ${channelLine(
          runtime,
          ok,
          'start',
          'a',
        )}`,
        'a task line',
        channelLine(runtime, refused, 'start', 'a'),
        channelLine(runtime, ok, 'up', 'a'),
        channelLine(runtime, refused, 'up', 'a'),
        '',
      ].join('\n');
      const kept = channelLines(runtime, start);
      expect(kept.split('\n')).toHaveLength(5);
      expect(kept).not.toContain('a task line');
      for (const later of [
        '',
        'another task\n',
        `${channelLine(runtime, { ...refused, failing: false }, 'up', 'a')}\n`,
      ]) {
        expect(channelsFromLog(runtime, kept + later)).toEqual(
          channelsFromLog(runtime, start + later),
        );
      }
    },
  );
});

describe('channelFromCondition', () => {
  it.each([
    ['Configured', 'connected'],
    ['Connecting', 'connecting'],
    ['ConnectionFailed', 'failing'],
    ['AppAlreadyClaimed', 'failing'],
  ])('reads ChannelReady %s as %s', (reason, connection) => {
    expect(channelFromCondition({ type: 'ChannelReady', reason })).toEqual({
      connection,
      source: `the ChannelReady condition (${reason})`,
    });
  });

  it.each([
    'CredentialsMissing',
    'CredentialsPartial',
    'Suspended',
    'PolicyInvalid',
  ])('says no connection for %s, nor for other conditions', reason => {
    expect(
      channelFromCondition({ type: 'ChannelReady', reason }),
    ).toBeUndefined();
    expect(channelFromCondition({ type: 'Ready', reason })).toBeUndefined();
  });
});
