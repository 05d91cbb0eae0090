import {
  conditionSchema,
  KubeEvent,
  kubeEventSchema,
  Sandbox,
  SandboxHealth,
  sandboxHealthSchema,
  SANDBOX_PHASES,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import { readKubeEvents } from '../service/events/kubeEvents';
import {
  KarsAction,
  KarsActionsOptions,
  objectSchema,
  readableSandbox,
  sandboxNameInputSchema,
} from './types';

/** How many of the sandbox's newest Kubernetes Events an explanation carries. */
export const EXPLAIN_EVENTS = 10;

/** What `explain-sandbox` answers. */
export const explanationSchema = z.strictObject({
  name: z.string().min(1),
  phase: z.enum(SANDBOX_PHASES).optional(),
  running: z.boolean(),
  /** Why it is not running, in words, the likeliest first; empty when it runs. */
  reasons: z.array(z.string()),
  conditions: z.array(conditionSchema),
  pods: sandboxHealthSchema.shape.pods,
  findings: sandboxHealthSchema.shape.findings,
  events: z.array(kubeEventSchema),
});
/** The answer of `explain-sandbox`. */
export type Explanation = z.infer<typeof explanationSchema>;

/**
 * Why a sandbox is not Running, from what the API reads of it: its own state (deleting,
 * suspended), the conditions that are not True, the findings of its health, the pods and
 * containers that are not ready with their reasons, and the newest Warning events. Pure.
 */
export function explain(
  sandbox: Sandbox,
  health: SandboxHealth,
  events: KubeEvent[],
): Explanation {
  const running = sandbox.status.phase === 'Running' && !sandbox.deleting;
  const reasons: string[] = [];
  if (sandbox.deleting) reasons.push('the sandbox is being deleted');
  if (sandbox.spec.suspended) {
    reasons.push('the sandbox is suspended (spec.suspended); resume it to run');
  }
  if (!sandbox.status.phase) {
    reasons.push('the reconciler has not reported a phase yet');
  }
  for (const c of sandbox.status.conditions) {
    if (c.status !== 'True' && c.type !== 'Suspended') {
      reasons.push(
        `condition ${c.type} is ${c.status}: ${c.reason}${
          c.message ? ` (${c.message})` : ''
        }`,
      );
    }
  }
  for (const f of health.findings) {
    reasons.push(
      `${f.severity} ${f.code}${f.object ? ` on ${f.object}` : ''}: ${
        f.message
      }`,
    );
  }
  if (
    health.workload.state !== 'ready' &&
    health.workload.state !== 'suspended'
  ) {
    reasons.push(
      `workload ${health.workload.state}: ${health.workload.readyReplicas} of ${health.workload.desiredReplicas} replicas ready`,
    );
  }
  for (const pod of health.pods.filter(p => !p.ready)) {
    const why = [pod.reason, pod.message].filter(Boolean).join(': ');
    reasons.push(`pod ${pod.name} is ${pod.phase}${why ? ` (${why})` : ''}`);
    for (const c of pod.containers.filter(k => !k.ready)) {
      const detail = [c.reason, c.message].filter(Boolean).join(': ');
      const last = c.lastTermination
        ? `, last exit ${c.lastTermination.exitCode}${
            c.lastTermination.reason ? ` (${c.lastTermination.reason})` : ''
          }`
        : '';
      reasons.push(
        `${c.init ? 'init container' : 'container'} ${c.name} ${c.state}${
          detail ? ` (${detail})` : ''
        }, ${c.restartCount} restarts${last}`,
      );
    }
  }
  const recent = events.slice(0, EXPLAIN_EVENTS);
  for (const e of recent.filter(k => k.type === 'Warning')) {
    reasons.push(
      `event ${e.reason} on ${e.involvedObject.kind} ${e.involvedObject.name}: ${e.message}`,
    );
  }
  return {
    name: sandbox.name,
    ...(sandbox.status.phase ? { phase: sandbox.status.phase } : {}),
    running,
    reasons: running ? [] : reasons,
    conditions: sandbox.status.conditions,
    pods: health.pods,
    findings: health.findings,
    events: recent,
  };
}

/**
 * `explain-sandbox`: why a sandbox is not Running, from its conditions, its health, its pods and
 * its newest Kubernetes Events, with read permission on it (as each of those routes needs).
 */
export function explainSandboxAction(options: KarsActionsOptions): KarsAction {
  const { sandboxes } = options;
  return {
    name: 'explain-sandbox',
    title: 'Explain why a kars sandbox is not running',
    description:
      'Says why a kars sandbox is not Running: its conditions that are not True, health findings, pods and containers that are not ready with their reasons (image pulls, crashes, scheduling), and its newest Kubernetes Events. running is true and reasons empty when it runs.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: zod => objectSchema(zod, sandboxNameInputSchema, 'input'),
      output: zod => objectSchema(zod, explanationSchema, 'output'),
    },
    action: async ({ input, credentials }) => {
      const sandbox = await readableSandbox(options, credentials, input.name);
      const [health, events] = await Promise.all([
        sandboxes.views.health(sandbox.name),
        readKubeEvents(
          sandboxes.fleet.mustLocate(sandbox.name).cluster,
          sandbox.name,
        ),
      ]);
      return { output: explain(sandbox, health, events) };
    },
  };
}
