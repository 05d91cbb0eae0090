import { ResourceType } from '../../api/types';
import {
  builtin,
  listTypes,
  replicasScale,
  TEMPLATE_SPEC,
  validateSelectorMatchesTemplate,
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

/** apps/v1 ReplicaSet, with its status and scale subresources. */
export function replicaSetType(): ResourceType {
  return builtin({
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    topLevelFields: ['spec', 'status'],
    plural: 'replicasets',
    shortNames: ['rs'],
    categories: ['all'],
    statusSubresource: true,
    scale: replicasScale,
    hasGeneration: true,
    generationFields: [['spec']],
    implicitStructs: workloadStructs,
    defaults: obj => {
      const spec = (obj.spec ??= {});
      spec.replicas ??= 1;
      defaultPodTemplate((spec.template ??= {}));
    },
    allocate: obj => {
      obj.status = { replicas: 0 };
    },
    validate: validateSelectorMatchesTemplate,
    listTypeAt: listTypes(TEMPLATE_SPEC),
    printerColumns: [
      nameColumn,
      col('Desired', o => o.spec?.replicas ?? 0, {
        type: 'integer',
        description: 'Replicas is the number of desired pods.',
      }),
      col('Current', o => o.status?.replicas ?? 0, {
        type: 'integer',
        description:
          'Replicas is the most recently observed number of non-terminating pods.',
      }),
      col('Ready', o => o.status?.readyReplicas ?? 0, {
        type: 'integer',
        description:
          'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.',
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
        description:
          'Selector is a label query over pods that should match the replica count.',
      }),
    ],
  });
}
