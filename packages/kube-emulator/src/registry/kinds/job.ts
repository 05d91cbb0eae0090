import { causes } from '../../api/errors';
import { humanDuration } from '../../api/time';
import {
  FieldCause,
  JsonObject,
  KubeObject,
  ResourceType,
} from '../../api/types';
import {
  builtin,
  listTypes,
  TEMPLATE_SPEC,
  validatePodSpec,
  workloadStructs,
} from './builtin';
import {
  ageColumn,
  col,
  containerImages,
  containerNames,
  formatSelector,
  nameColumn,
} from './columns';
import { defaultPodTemplate } from './podSpec';

const JOB_NAME_LABELS = ['job-name', 'batch.kubernetes.io/job-name'];
const CONTROLLER_UID_LABELS = [
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
];

/** SetDefaults_Job (batch/v1). */
function defaultJob(obj: KubeObject) {
  const spec = (obj.spec ??= {});
  if (spec.completions === undefined && spec.parallelism === undefined)
    spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??=
    spec.backoffLimitPerIndex === undefined ? 6 : 2147483647;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy
    ? 'Failed'
    : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  defaultPodTemplate((spec.template ??= {}));
}

/**
 * The job strategy's generated selector: the template gets the job-name and controller-uid labels,
 * the selector matches the uid; a job without labels of its own takes the template's.
 */
function generateSelector(obj: KubeObject) {
  const spec = obj.spec;
  if (spec.manualSelector) return;
  const template = (spec.template ??= {});
  const labels = ((template.metadata ??= {}).labels ??= {});
  for (const l of JOB_NAME_LABELS) labels[l] ??= obj.metadata.name;
  for (const l of CONTROLLER_UID_LABELS) labels[l] ??= obj.metadata.uid;
  const selector = (spec.selector ??= {});
  (selector.matchLabels ??= {})['batch.kubernetes.io/controller-uid'] ??=
    obj.metadata.uid;
  if (!Object.keys(obj.metadata.labels ?? {}).length)
    obj.metadata.labels = { ...labels };
}

function validateJob(obj: KubeObject): FieldCause[] {
  const spec = obj.spec ?? {};
  const out: FieldCause[] = [];
  if (spec.manualSelector && !spec.selector)
    out.push(causes.required('spec.selector'));
  const at = 'spec.template.spec.restartPolicy';
  const policy = spec.template?.spec?.restartPolicy;
  if (!policy || policy === 'Always')
    out.push(causes.required(at, 'valid values: "OnFailure", "Never"'));
  else if (policy !== 'OnFailure' && policy !== 'Never')
    out.push(causes.unsupported(at, policy, ['OnFailure', 'Never']));
  out.push(...validatePodSpec(spec.template?.spec, 'spec.template.spec'));
  return out;
}

const hasCondition = (o: KubeObject, type: string) =>
  (o.status?.conditions ?? []).some(
    (c: JsonObject) => c.type === type && c.status === 'True',
  );

/** The Status cell of a Job (kube-apiserver's printJob). */
function jobStatus(o: KubeObject): string {
  if (hasCondition(o, 'Complete')) return 'Complete';
  if (hasCondition(o, 'Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(o, 'Suspended')) return 'Suspended';
  if (hasCondition(o, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(o, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function completions(o: KubeObject): string {
  const succeeded = o.status?.succeeded ?? 0;
  if (o.spec?.completions !== undefined && o.spec.completions !== null)
    return `${succeeded}/${o.spec.completions}`;
  const parallelism = o.spec?.parallelism ?? 0;
  return parallelism > 1
    ? `${succeeded}/1 of ${parallelism}`
    : `${succeeded}/1`;
}

function duration(o: KubeObject, now: Date): string {
  const start = o.status?.startTime;
  if (!start) return '';
  const end = o.status?.completionTime
    ? Date.parse(o.status.completionTime)
    : now.getTime();
  return humanDuration(end - Date.parse(start));
}

/** batch/v1 Job, with its status subresource. */
export function jobType(): ResourceType {
  return builtin({
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    topLevelFields: ['spec', 'status'],
    plural: 'jobs',
    categories: ['all'],
    statusSubresource: true,
    hasGeneration: true,
    generationFields: [['spec']],
    implicitStructs: workloadStructs,
    defaults: defaultJob,
    validate: validateJob,
    allocate: obj => {
      generateSelector(obj);
      obj.status = {};
    },
    listTypeAt: listTypes(TEMPLATE_SPEC),
    printerColumns: [
      nameColumn,
      col('Status', jobStatus, { description: 'Status of the job.' }),
      col('Completions', completions, {
        description: 'The number of pods which reached phase Succeeded.',
      }),
      col('Duration', duration, {
        description: 'Time required to complete the job.',
      }),
      ageColumn,
      col('Containers', o => containerNames(o.spec?.template?.spec), {
        priority: 1,
        description: 'Names of each container in the template.',
      }),
      col('Images', o => containerImages(o.spec?.template?.spec), {
        priority: 1,
        description: 'Images referenced by each container in the template.',
      }),
      col('Selector', o => formatSelector(o.spec?.selector), {
        priority: 1,
        description: 'A label query over pods that should match the pod count.',
      }),
    ],
  });
}
