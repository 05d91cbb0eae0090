import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { ContainerReport, PodReport } from '@kars-portal/plugin-kars-common';
import { formatTime } from '../common';
import { SimpleTable } from './tables';

/** Reasons that say a container keeps failing, not that it is on its way. */
const FAILING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'OOMKilled',
  'Error',
  'RunContainerError',
]);

export type PodTone = 'ok' | 'pending' | 'warning' | 'error';

/** How a container reads: running and ready is fine, a failing reason is an error. */
export function containerTone(c: ContainerReport): PodTone {
  if (c.reason && FAILING_REASONS.has(c.reason)) return 'error';
  if (c.state === 'running') return c.ready ? 'ok' : 'warning';
  if (c.state === 'terminated') {
    return c.init && c.lastTermination?.exitCode !== 0 ? 'warning' : 'ok';
  }
  if (c.state === 'waiting') return 'pending';
  return 'warning';
}

/** How a pod's phase reads. */
export function podTone(pod: PodReport): PodTone {
  if (pod.phase === 'Failed') return 'error';
  if (pod.containers.some(c => containerTone(c) === 'error')) return 'error';
  if (pod.phase === 'Running' || pod.phase === 'Succeeded') {
    return pod.ready ? 'ok' : 'warning';
  }
  return pod.phase === 'Pending' ? 'pending' : 'warning';
}

/** "Error exit 1 at 2026-01-01 00:10:00Z": how a container last ended. */
export function terminationText(t: ContainerReport['lastTermination']) {
  if (!t) return undefined;
  const at = t.finishedAt ? ` at ${formatTime(t.finishedAt)}` : '';
  return `${t.reason ?? 'ended'} exit ${t.exitCode}${at}`;
}

/**
 * What a container's state says in one line: "waiting: CrashLoopBackOff, 5 restarts, last: Error
 * exit 1 at 2026-01-01 00:10:00Z".
 */
export function containerSummary(c: ContainerReport): string {
  const parts = [c.reason ? `${c.state}: ${c.reason}` : c.state];
  parts.push(
    `${c.restartCount} ${c.restartCount === 1 ? 'restart' : 'restarts'}`,
  );
  const last = terminationText(c.lastTermination);
  if (last) parts.push(`last: ${last}`);
  return parts.join(', ');
}

/** Where a pod runs: "node sandbox-1 (pool sandbox, runtime kata)" or "not scheduled". */
export function placementText(pod: PodReport): string {
  if (!pod.nodeName) return 'not scheduled';
  const details = [
    pod.pool ? `pool ${pod.pool}` : 'no pool',
    pod.runtimeClassName ? `runtime class ${pod.runtimeClassName}` : undefined,
  ].filter(Boolean);
  return `${pod.nodeName} (${details.join(', ')})`;
}

function Status(props: { tone: PodTone; children: ReactNode }) {
  const { tone, children } = props;
  switch (tone) {
    case 'ok':
      return <StatusOK>{children}</StatusOK>;
    case 'pending':
      return <StatusPending>{children}</StatusPending>;
    case 'error':
      return <StatusError>{children}</StatusError>;
    default:
      return <StatusWarning>{children}</StatusWarning>;
  }
}

function PodTable(props: { pod: PodReport }) {
  const { pod } = props;
  return (
    <Box mb={2}>
      <Box display="flex" alignItems="center" style={{ gap: 16 }} mb={1}>
        <Typography variant="subtitle2">Pod {pod.name}</Typography>
        <Status tone={podTone(pod)}>
          {pod.phase}
          {pod.reason ? `: ${pod.reason}` : ''}
        </Status>
        <Typography variant="body2">{placementText(pod)}</Typography>
        <Typography variant="body2">
          {pod.ready ? 'ready' : 'not ready'}
        </Typography>
      </Box>
      {pod.message && (
        <Typography variant="body2" color="textSecondary">
          {pod.message}
        </Typography>
      )}
      <SimpleTable
        label={`Containers of pod ${pod.name}`}
        columns={['Container', 'State', 'Ready', 'Message']}
        empty="No containers reported."
        rows={pod.containers.map(c => [
          c.init ? `${c.name} (init)` : c.name,
          <Status tone={containerTone(c)}>{containerSummary(c)}</Status>,
          c.ready ? 'ready' : 'not ready',
          c.message ?? '',
        ])}
      />
    </Box>
  );
}

/** The sandbox's pods as the cluster reports them, each with its containers. */
export function PodsTable(props: { pods: PodReport[] }) {
  const { pods } = props;
  if (pods.length === 0) {
    return (
      <Typography variant="body2">
        No pod runs for this sandbox (suspended, or not created yet).
      </Typography>
    );
  }
  return (
    <>
      {pods.map(pod => (
        <PodTable key={pod.name} pod={pod} />
      ))}
    </>
  );
}
