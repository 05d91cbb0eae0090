import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';

/** One event as Backstage's auditor got it: initiated, then succeeded or failed. */
export interface CapturedAuditorEvent {
  eventId: string;
  severityLevel?: AuditorServiceCreateEventOptions['severityLevel'];
  status: 'initiated' | 'succeeded' | 'failed';
  meta?: AuditorServiceCreateEventOptions['meta'];
  /** The request's method and URL, when the event came with one. */
  request?: string;
  /** The failure's name and message. */
  error?: string;
}

/**
 * An auditor that keeps every event in `events`, the way Backstage's default one logs them: the
 * options on creation, then the outcome with the creation's meta merged with the outcome's.
 */
export function capturingAuditor(
  events: CapturedAuditorEvent[],
): AuditorService {
  return {
    async createEvent(options) {
      const base = {
        eventId: options.eventId,
        severityLevel: options.severityLevel,
        ...(options.request
          ? {
              request: `${options.request.method} ${options.request.originalUrl}`,
            }
          : {}),
      };
      events.push({ ...base, status: 'initiated', meta: options.meta });
      return {
        async success(params) {
          const meta = { ...options.meta, ...params?.meta };
          events.push({ ...base, status: 'succeeded', meta });
        },
        async fail(params) {
          const meta = { ...options.meta, ...params.meta };
          const error = `${params.error.name}: ${params.error.message}`;
          events.push({ ...base, status: 'failed', meta, error });
        },
      };
    },
  };
}

/** A service factory of {@link capturingAuditor}, for startTestBackend. */
export function capturingAuditorFactory(events: CapturedAuditorEvent[]) {
  return createServiceFactory({
    service: coreServices.auditor,
    deps: {},
    factory: () => capturingAuditor(events),
  });
}
