import {
  ApiDefinitionWidget,
  ApiDocsConfig,
  defaultDefinitionWidgets,
} from '@backstage/plugin-api-docs';
import { KARS_ENTITY_TYPES } from '@kars-portal/plugin-kars-common';
import { A2aDefinitionWidget } from './A2aCard';

/**
 * The API definition widget for `API` entities of type `a2a`, for the api-docs plugin.
 * @public
 */
export const a2aApiWidget: ApiDefinitionWidget = {
  type: KARS_ENTITY_TYPES.agentCard,
  title: 'A2A agent card',
  component: definition => <A2aDefinitionWidget definition={definition} />,
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
