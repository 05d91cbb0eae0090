import {
  POD_FAULT_REASONS,
  PodFaultReason,
} from '@kars-portal/plugin-kars-common';
import { canonicalJson } from '../render/hash';
import { onUpdate, Predicate } from './predicates';

/** Why a sandbox's pod does not run, as its status says. */
export interface PodFault {
  reason: PodFaultReason;
  message: string;
}

/** A kubelet waiting reason that is a fault (CrashLoopBackOff, ImagePullBackOff, ErrImagePull). */
const isFault = (reason: unknown): reason is PodFaultReason =>
  (POD_FAULT_REASONS as readonly unknown[]).includes(reason);

const oomKilled = (terminated: any) => terminated?.reason === 'OOMKilled';

/**
 * Why one pod does not run, from what the scheduler and the kubelet wrote in its status:
 * Unschedulable (PodScheduled False), a container waiting in CrashLoopBackOff (OOMKilled when it
 * was last killed for memory), ImagePullBackOff or ErrImagePull, or OOMKilled (terminated for
 * memory, or restarted after it and not ready again). The message names the pod and container and
 * no count that changes with each restart, so a crash loop is one status, not one per restart.
 * A pod being deleted has none. Pure.
 */
export function podFault(pod: any): PodFault | undefined {
  if (pod.metadata?.deletionTimestamp) return undefined;
  const name = pod.metadata?.name;
  const unschedulable = (pod.status?.conditions ?? []).find(
    (c: any) =>
      c.type === 'PodScheduled' &&
      c.status === 'False' &&
      c.reason === 'Unschedulable',
  );
  if (unschedulable) {
    return {
      reason: 'Unschedulable',
      message: `pod ${name} cannot be scheduled: ${
        unschedulable.message ?? ''
      }`,
    };
  }
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  for (const s of statuses) {
    const waiting = s.state?.waiting?.reason;
    const last = s.lastState?.terminated;
    let reason: PodFaultReason | undefined;
    if (waiting === 'CrashLoopBackOff' && oomKilled(last)) reason = 'OOMKilled';
    else if (isFault(waiting)) reason = waiting;
    else if (oomKilled(s.state?.terminated)) reason = 'OOMKilled';
    else if (s.state?.running && !s.ready && oomKilled(last)) {
      reason = 'OOMKilled';
    }
    if (reason) {
      return {
        reason,
        message: `container ${s.name} of pod ${name}: ${reason}`,
      };
    }
  }
  return undefined;
}

/** The first fault of a sandbox's pods (by pod name), undefined when none has one. Pure. */
export function sandboxPodFault(pods: any[]): PodFault | undefined {
  return [...pods]
    .sort((a, b) => String(a.metadata?.name).localeCompare(b.metadata?.name))
    .map(podFault)
    .find(Boolean);
}

/** A pod's fault (what the sandbox's phase reads of it) changed; a new or deleted pod passes. */
export const podFaultChanged: Predicate = onUpdate(
  (old, next) => canonicalJson(podFault(old)) !== canonicalJson(podFault(next)),
);
