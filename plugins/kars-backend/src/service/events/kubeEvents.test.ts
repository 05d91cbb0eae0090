import { kubeEventSchema } from '@kars-portal/plugin-kars-common';
import { CoreEvent, newestFirst, toKubeEvent } from './kubeEvents';

const event = (fields: Partial<CoreEvent>): CoreEvent => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'e', namespace: 'kars-tenant-a' },
  ...fields,
});

describe('toKubeEvent', () => {
  it('maps a core/v1 Event, as a kubelet writes it', () => {
    const mapped = toKubeEvent(
      event({
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container agent',
        involvedObject: {
          kind: 'Pod',
          name: 'tenant-a-7d9-x2',
          namespace: 'kars-tenant-a',
        },
        count: 4,
        firstTimestamp: '2026-12-05T10:00:00Z',
        lastTimestamp: '2026-12-05T10:03:00Z',
        source: { component: 'kubelet' },
      }),
    );
    expect(mapped).toEqual({
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container agent',
      involvedObject: {
        kind: 'Pod',
        name: 'tenant-a-7d9-x2',
        namespace: 'kars-tenant-a',
      },
      count: 4,
      firstTime: '2026-12-05T10:00:00Z',
      lastTime: '2026-12-05T10:03:00Z',
      source: 'kubelet',
    });
    expect(kubeEventSchema.parse(mapped)).toEqual(mapped);
  });

  it('maps an events.k8s.io Event: eventTime, series and the reporting component', () => {
    expect(
      toKubeEvent(
        event({
          type: 'Normal',
          reason: 'Scheduled',
          message: 'Successfully assigned',
          involvedObject: { kind: 'Pod', name: 'p' },
          firstTimestamp: null,
          lastTimestamp: null,
          eventTime: '2026-12-05T10:00:00.123456Z',
          series: { count: 3, lastObservedTime: '2026-12-05T10:05:00Z' },
          source: {},
          reportingComponent: 'default-scheduler',
        }),
      ),
    ).toEqual({
      type: 'Normal',
      reason: 'Scheduled',
      message: 'Successfully assigned',
      involvedObject: { kind: 'Pod', name: 'p' },
      count: 3,
      firstTime: '2026-12-05T10:00:00.123456Z',
      lastTime: '2026-12-05T10:05:00Z',
      source: 'default-scheduler',
    });
  });

  it('fills what an Event leaves out', () => {
    const mapped = toKubeEvent(event({}));
    expect(mapped).toEqual({
      type: '',
      reason: '',
      message: '',
      involvedObject: { kind: '', name: '' },
      count: 1,
    });
    expect(kubeEventSchema.parse(mapped)).toEqual(mapped);
  });
});

describe('newestFirst', () => {
  it('orders by last time, newest first, events without a time last', () => {
    const at = (reason: string, lastTime?: string) =>
      toKubeEvent(
        event({
          reason,
          lastTimestamp: lastTime,
        }),
      );
    expect(
      newestFirst([
        at('old', '2026-12-05T10:00:00Z'),
        at('none'),
        at('new', '2026-12-05T11:00:00Z'),
        at('mid', '2026-12-05T10:30:00.5Z'),
      ]).map(e => e.reason),
    ).toEqual(['new', 'mid', 'old', 'none']);
  });
});
