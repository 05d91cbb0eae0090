/**
 * kars portal frontend for legacy Backstage apps: the Sandbox entity tab and overview card,
 * the fleet page, the A2A agent card widget, and scaffolder fields. The new frontend system
 * gets the same views from `@kars-portal/plugin-kars/alpha`.
 *
 * @packageDocumentation
 */

export {
  karsPlugin,
  KarsFleetPage,
  EntityKarsSandboxContent,
  EntityKarsSandboxCard,
  KarsClusterBanner,
  KarsSandboxNameFieldExtension,
  KarsClusterFieldExtension,
  KarsEgressAllowlistFieldExtension,
} from './plugin';
export { karsApiRef, karsApiFactory } from './api';
export { rootRouteRef as karsRootRouteRef } from './routes';
export {
  getSandboxName,
  isKarsSandboxEntity,
  isA2aApiEntity,
} from './components/entity';
export {
  a2aApiWidget,
  createKarsApiDocsConfig,
} from './components/A2aCard/a2aApiWidget';
export {
  A2aAgentCard,
  A2aDefinitionWidget,
} from './components/A2aCard/A2aCard';
export {
  KarsFleetContent,
  KarsFleetTabs,
} from './components/FleetPage/FleetPage';
export { KarsAuditContent } from './components/AuditPage/AuditPage';
export { KarsSandboxView } from './components/SandboxContent/SandboxContent';
export { KarsSandboxCardView } from './components/OverviewCard/OverviewCard';
export type { EgressRow } from './components/fields/KarsEgressAllowlistField';
