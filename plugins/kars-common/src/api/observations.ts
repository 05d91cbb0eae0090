import { z } from 'zod';
import { KARS_CONTAINERS } from '../constants';

/**
 * What runs, as Kubernetes reports it: the routes that show a sandbox's Kubernetes Events and the
 * logs of its pod's containers.
 */

/**
 * The containers whose logs `GET /sandboxes/:name/logs` serves: the agent (whatever its runtime
 * names the container: `openclaw` for OpenClaw), the inference router and the egress guard.
 * @public
 */
export const LOG_CONTAINERS = [
  KARS_CONTAINERS.agent,
  KARS_CONTAINERS.router,
  KARS_CONTAINERS.egressGuard,
] as const;
/** @public */
export type LogContainer = (typeof LOG_CONTAINERS)[number];

/** How many lines the logs route answers when not told, and at most. @public */
export const LOG_TAIL_LINES = { default: 200, max: 5000 } as const;

const booleanParameter = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform(value => value === 'true');

/**
 * `GET /sandboxes/:name/logs` query: which container (default the agent), the last `tailLines`
 * lines (default 200, at most 5000), of the previous run of the container with `previous`, and with
 * `follow` the lines it writes from then on, streamed until the caller hangs up.
 * @public
 */
export const sandboxLogsQuerySchema = z.strictObject({
  container: z.enum(LOG_CONTAINERS).default(KARS_CONTAINERS.agent),
  tailLines: z.coerce
    .number()
    .int()
    .min(1)
    .max(LOG_TAIL_LINES.max)
    .default(LOG_TAIL_LINES.default),
  previous: booleanParameter.default(false),
  follow: booleanParameter.default(false),
});
/** What a client asks of the logs route (`follow` is the client's to set). @public */
export interface SandboxLogsOptions {
  container?: LogContainer;
  tailLines?: number;
  previous?: boolean;
}

/**
 * One Kubernetes Event about a sandbox: in its tenant namespace, or about its KarsSandbox object.
 * Times are RFC 3339 as the server wrote them; `source` is the reporting component.
 * @public
 */
export const kubeEventSchema = z.strictObject({
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  involvedObject: z.strictObject({
    kind: z.string(),
    name: z.string(),
    namespace: z.string().optional(),
  }),
  count: z.number().int().min(0),
  firstTime: z.string().optional(),
  lastTime: z.string().optional(),
  source: z.string().optional(),
});
/** @public */
export type KubeEvent = z.infer<typeof kubeEventSchema>;

/** `GET /sandboxes/:name/kube-events` answer: newest first. @public */
export const kubeEventsResponseSchema = z.strictObject({
  items: z.array(kubeEventSchema),
});
/** @public */
export type KubeEventsResponse = z.infer<typeof kubeEventsResponseSchema>;
