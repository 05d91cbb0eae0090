import type { ApiAuth } from '../auth/apiAuth';
import type { UserInfo } from '../auth/user';
import type { MicroTimeFields } from './microTime';

/** A JSON object as it travels over the wire. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = { [key: string]: any };

/** A Kubernetes object: apiVersion, kind, metadata and anything else. */
export interface KubeObject extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject;
}

/** How a list field merges: atomic (replaced whole), a set of scalars, or a map keyed by fields. */
export type ListType =
  | { type: 'atomic' }
  | { type: 'set' }
  | { type: 'map'; keys: string[]; mergeKey?: string };

/** One printer column of Table output. */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  /** A JSONPath-like expression such as `.status.phase` (CRDs). */
  jsonPath?: string;
  /** A cell function (built-ins). */
  cell?: (obj: KubeObject, now: Date) => unknown;
}

/** Everything the server needs to know about one served resource. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Served with a status subresource (status is ignored on the main resource). */
  statusSubresource: boolean;
  /** Whether metadata.generation is maintained. */
  hasGeneration: boolean;
  /** Whether an update may omit metadata.resourceVersion. */
  allowUnconditionalUpdate: boolean;
  /** Paths whose change bumps generation; `undefined` means "anything but metadata and status". */
  generationFields?: string[][];
  /** Validates the name; returns an error message or undefined. */
  nameValidation: 'subdomain' | 'label' | 'label1035' | 'path';
  /** Server-filled defaults, mutating the object. */
  defaults?: (obj: KubeObject, ctx: DefaultingContext) => void;
  /** Fields typed `metav1.MicroTime`: checked and normalised while the body is decoded. */
  microTimeFields?: MicroTimeFields;
  /** Checks of the request body that fail decoding (400), before anything else. */
  decode?: (obj: KubeObject) => void;
  /** Kind-specific validation; returns field causes. */
  validate?: (obj: KubeObject, old?: KubeObject) => FieldCause[];
  /** Called on create after defaulting (allocation of cluster IPs and the like). */
  allocate?: (obj: KubeObject, ctx: DefaultingContext) => void;
  /** List merge semantics by path of field names (array indices left out). */
  listTypeAt: (path: string[]) => ListType | undefined;
  /** Paths of structs that Go always serialises (no "." ownership marker when added). */
  implicitStructs?: string[][];
  printerColumns: PrinterColumn[];
  /** Field selectors beyond metadata.name and metadata.namespace. */
  selectableFields?: Record<string, (obj: KubeObject) => string | undefined>;
  /** Top-level fields a built-in kind declares besides apiVersion, kind and metadata. */
  topLevelFields?: string[];
  /** Create-only review kinds (TokenReview, SelfSubjectAccessReview): answered, never stored. */
  review?: (obj: KubeObject, ctx: ReviewContext) => KubeObject;
  /** The structural schema of a custom resource, if any. */
  schema?: JsonObject;
  /** Whether this type was registered by a CustomResourceDefinition. */
  custom?: boolean;
  /** The scale subresource (autoscaling/v1 Scale), when the type has one. */
  scale?: ScaleSubresource;
  /** How objects are stored when not as served: in which resource's table, converted how (Events of events.k8s.io). */
  storage?: StoredAs;
}

/** Where a scalable type keeps its replicas and how its Scale shows the selector. */
export interface ScaleSubresource {
  specReplicasPath: string[];
  statusReplicasPath: string[];
  /** The Scale's status.selector: a label selector in its string form. */
  selector: (obj: KubeObject) => string | undefined;
}

/** The resource whose table holds a type's objects, and the conversions to and from it. */
export interface StoredAs {
  group: string;
  plural: string;
  toStored: (obj: KubeObject) => KubeObject;
  fromStored: (obj: KubeObject) => KubeObject;
}

/** What answering a review needs: who asks, in which namespace, and the emulator's auth. */
export interface ReviewContext {
  user: UserInfo;
  namespace?: string;
  auth: ApiAuth;
}

/** Allocators the defaulting of some kinds needs (Service cluster IPs and node ports). */
export interface DefaultingContext {
  allocateClusterIP: () => string;
  allocateNodePort: () => number;
}

/** One cause of a 422 Invalid response. */
export interface FieldCause {
  reason: string;
  message: string;
  field: string;
}

/** The store table of a type: its own resource's, or the one it is stored as. */
export const resourceKey = (t: {
  group: string;
  plural: string;
  storage?: { group: string; plural: string };
}): string => {
  const { group, plural } = t.storage ?? t;
  return group ? `${plural}.${group}` : plural;
};

export const apiVersionOf = (t: { group: string; version: string }) =>
  t.group ? `${t.group}/${t.version}` : t.version;
