import { z } from 'zod';

/** Phases of a sandbox, as kars's CRD enumerates them. @public */
export const SANDBOX_PHASES = [
  'Pending',
  'Creating',
  'Running',
  'Failed',
  'Terminating',
  'Degraded',
] as const;
/** @public */
export type SandboxPhase = (typeof SANDBOX_PHASES)[number];

/** Condition types the reconciler writes. @public */
export const CONDITION_TYPES = {
  ready: 'Ready',
  progressing: 'Progressing',
  degraded: 'Degraded',
  suspended: 'Suspended',
  networkIsolated: 'NetworkIsolated',
  credentialsConfigured: 'CredentialsConfigured',
  budgetConfigured: 'BudgetConfigured',
  a2aGatewayReady: 'A2AGatewayReady',
} as const;

/**
 * Why a sandbox's pod keeps it from running, as the kubelet and the scheduler report it: the reason
 * of the Ready and Degraded conditions when the phase turns Degraded from its pod.
 * @public
 */
export const POD_FAULT_REASONS = [
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'OOMKilled',
  'Unschedulable',
] as const;
/** @public */
export type PodFaultReason = (typeof POD_FAULT_REASONS)[number];

/** A Kubernetes-style status condition. @public */
export const conditionSchema = z.object({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().min(1),
  message: z.string().default(''),
  lastTransitionTime: z.string(),
  observedGeneration: z.number().int().min(0).optional(),
});
/** @public */
export type Condition = z.output<typeof conditionSchema>;

/** The status subresource of a KarsSandbox. @public */
export const sandboxStatusSchema = z.object({
  phase: z.enum(SANDBOX_PHASES).optional(),
  observedGeneration: z.number().int().min(0).optional(),
  namespace: z.string().optional(),
  runtimeKind: z.string().optional(),
  lastReconciledAt: z.string().optional(),
  conditions: z.array(conditionSchema).default([]),
  /** Where the sandbox is published on its cluster's public A2A gateway, when it is. */
  a2aGateway: z
    .object({
      /** The public base URL of the card and the A2A endpoint. */
      url: z.string(),
      /** The LoadBalancer's address, once the cloud gave it one. */
      address: z.string().optional(),
      /** Whether cert-manager reports the gateway's certificate Ready. */
      certificateReady: z.boolean(),
    })
    .optional(),
});
/** @public */
export type SandboxStatus = z.output<typeof sandboxStatusSchema>;
