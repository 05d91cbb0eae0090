import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  KARS_SANDBOX_EVENTS_TOPIC,
  KarsSandboxEventPayload,
} from '@kars-portal/plugin-kars-common';
import { sandboxChangesEntities } from '../reconcile/predicates';
import { ClusterConnection } from './ClusterConnection';

/**
 * Publishes on the events topic `kars.sandbox`, from a cluster's watch cache, the changes of its
 * sandboxes that can change their catalog entities: a new or deleted sandbox, a new spec. A status
 * write (the reconciler's, every pass that changes something) publishes nothing. Returns the
 * function that stops publishing.
 */
export function publishSandboxEvents(
  cluster: ClusterConnection,
  events: EventsService,
  logger: LoggerService,
): () => void {
  return cluster.sandboxes.onChange(event => {
    if (event.type === 'resync' || !sandboxChangesEntities(event)) return;
    const eventPayload: KarsSandboxEventPayload = {
      name: event.object.metadata.name,
      cluster: cluster.name,
      change: event.type === 'delete' ? 'deleted' : 'upserted',
    };
    events
      .publish({ topic: KARS_SANDBOX_EVENTS_TOPIC, eventPayload })
      .catch(error =>
        logger.warn(`could not publish a sandbox event: ${error}`),
      );
  });
}
