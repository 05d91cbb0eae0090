import { Progress } from '@backstage/core-components';
import { KubeEvent } from '@kars-portal/plugin-kars-common';
import { RelativeTime, StateChip } from '../common';
import { KarsErrorState } from '../ErrorStates';
import { useKubeEvents } from '../useKars';
import { Section, SimpleTable } from './tables';

/** "KarsSandbox tenant-a" or "Pod kars-tenant-a/agent-0": what an event is about. */
export function eventObjectText(e: KubeEvent): string {
  const { kind, name, namespace } = e.involvedObject;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The Kubernetes Events as a table; Warning events stand out. */
export function KubeEventsTable(props: { events: KubeEvent[] }) {
  return (
    <SimpleTable
      label="Kubernetes events"
      columns={['Type', 'Reason', 'Object', 'Message', 'Count', 'Last seen']}
      empty="No Kubernetes events (the cluster keeps them for about an hour)."
      rows={props.events.map(e => [
        <StateChip
          tone={e.type === 'Warning' ? 'warning' : 'info'}
          label={e.type}
        />,
        e.type === 'Warning' ? <strong>{e.reason}</strong> : e.reason,
        eventObjectText(e),
        e.message,
        e.count,
        <RelativeTime iso={e.lastTime ?? e.firstTime} />,
      ])}
    />
  );
}

/** The Kubernetes Events card of the Sandbox tab. */
export function KubeEventsCard(props: { name: string }) {
  const { name } = props;
  const events = useKubeEvents(name);
  return (
    <Section
      title="Kubernetes events"
      subheader="Of the tenant namespace and the KarsSandbox, newest first"
    >
      {events.loading && !events.value && <Progress />}
      {events.error && (
        <KarsErrorState
          error={events.error}
          what={`the Kubernetes events of ${name}`}
        />
      )}
      {events.value && <KubeEventsTable events={events.value.items} />}
    </Section>
  );
}
