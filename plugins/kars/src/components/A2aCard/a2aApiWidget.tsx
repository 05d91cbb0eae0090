import { Suspense, lazy } from 'react';
import { Progress } from '@backstage/core-components';
import {
  ApiDefinitionWidget,
  ApiDocsConfig,
  defaultDefinitionWidgets,
} from '@backstage/plugin-api-docs';
import { KARS_ENTITY_TYPES } from '@kars-portal/plugin-kars-common';

/** The card's view, loaded when an A2A definition is first shown: the app's first load does not carry it. */
const A2aDefinitionWidget = lazy(() =>
  import('./A2aCard').then(m => ({ default: m.A2aDefinitionWidget })),
);

/**
 * The API definition widget for `API` entities of type `a2a`, for the api-docs plugin.
 * @public
 */
export const a2aApiWidget: ApiDefinitionWidget = {
  type: KARS_ENTITY_TYPES.agentCard,
  title: 'A2A agent card',
  component: definition => (
    <Suspense fallback={<Progress />}>
      <A2aDefinitionWidget definition={definition} />
    </Suspense>
  ),
  rawLanguage: 'json',
};

/**
 * An api-docs configuration with the A2A widget and the default widgets, for `apiDocsConfigRef`.
 * @public
 */
export function createKarsApiDocsConfig(
  widgets: ApiDefinitionWidget[] = defaultDefinitionWidgets(),
): ApiDocsConfig {
  return {
    getApiDefinitionWidget: entity =>
      entity.spec.type === a2aApiWidget.type
        ? a2aApiWidget
        : widgets.find(w => w.type === entity.spec.type),
  };
}
