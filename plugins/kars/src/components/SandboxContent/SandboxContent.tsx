import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Box from '@material-ui/core/Box';
import {
  Progress,
  MissingAnnotationEmptyState,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ISOLATION_LEVEL_LABELS,
  KARS_SANDBOX_ANNOTATION,
  Sandbox,
  SandboxHealth,
} from '@kars-portal/plugin-kars-common';
import { getSandboxName } from '../entity';
import { KarsErrorState } from '../ErrorStates';
import { useKars } from '../useKars';
import { KarsClusterBanner } from '../ClusterBanner';
import { PhaseChip, StateChip, Tone } from '../common';
import {
  BudgetPanel,
  ChannelsTable,
  ConditionsTable,
  EgressTable,
  EventsTable,
  LayersTable,
  Section,
  SimpleTable,
} from './tables';
import { SandboxActions } from './SandboxActions';
import { UsageChart } from './UsageChart';
import { PodsTable } from './PodsTable';
import { KubeEventsCard } from './KubeEventsCard';
import { LogsCard } from './LogsCard';

const WORKLOAD_TONES: Record<SandboxHealth['workload']['state'], Tone> = {
  ready: 'ok',
  progressing: 'info',
  suspended: 'off',
  missing: 'error',
  failed: 'error',
};

/** Where the sandbox is published on its cluster's public A2A gateway, and whether it is ready. */
function GatewaySection(props: { sandbox: Sandbox }) {
  const { a2aGateway: gateway, conditions } = props.sandbox.status;
  const condition = conditions.find(c => c.type === 'A2AGatewayReady');
  if (!gateway) return null;
  const cardUrl = `${gateway.url}/.well-known/agent-card.json`;
  return (
    <Section title="Public A2A gateway" subheader={condition?.message}>
      <SimpleTable
        label="Public A2A gateway"
        columns={['', '']}
        empty=""
        rows={[
          ['Public URL', <code>{gateway.url}</code>],
          ['Agent card', <code>{cardUrl}</code>],
          [
            'Certificate',
            <StateChip
              tone={gateway.certificateReady ? 'ok' : 'warning'}
              label={gateway.certificateReady ? 'Ready' : 'Not ready'}
            />,
          ],
          ['LoadBalancer address', gateway.address ?? 'pending'],
        ]}
      />
    </Section>
  );
}

/** Daily token use over the last 30 days, from the cluster's usage source. */
function UsageSection(props: { name: string }) {
  const { name } = props;
  const usage = useKars(api => api.getUsageHistory(name, { days: 30 }), [name]);
  return (
    <Section title="Token use, last 30 days">
      {usage.loading && !usage.value && <Progress />}
      {usage.error && (
        <KarsErrorState error={usage.error} what={`the token use of ${name}`} />
      )}
      {usage.value && <UsageChart history={usage.value} />}
    </Section>
  );
}

function HealthSections(props: { sandbox: Sandbox; health: SandboxHealth }) {
  const { sandbox, health } = props;
  return (
    <>
      <Grid item xs={12}>
        <Section
          title={`Isolation: ${sandbox.spec.sandbox.isolation}`}
          subheader={
            ISOLATION_LEVEL_LABELS[sandbox.spec.sandbox.isolation].description
          }
        >
          <LayersTable layers={health.layers} />
        </Section>
      </Grid>
      <Grid item xs={12}>
        <Section title="Pods">
          <PodsTable pods={health.pods} />
        </Section>
      </Grid>
      <Grid item xs={12}>
        <Section title="Token budgets">
          <BudgetPanel budget={health.budget} />
        </Section>
      </Grid>
      <Grid item xs={12}>
        <UsageSection name={sandbox.name} />
      </Grid>
      <Grid item xs={12} md={6}>
        <Section title="Channels">
          <ChannelsTable channels={health.channels} />
        </Section>
      </Grid>
      <Grid item xs={12} md={6}>
        <Section title="Workload and identity">
          <SimpleTable
            label="Workload and identity"
            columns={['', '']}
            empty=""
            rows={[
              [
                'Workload',
                <StateChip
                  tone={WORKLOAD_TONES[health.workload.state]}
                  label={health.workload.state}
                />,
              ],
              [
                'Replicas ready / desired',
                `${health.workload.readyReplicas} / ${health.workload.desiredReplicas}`,
              ],
              ['Restarts', health.workload.restarts ?? 'unknown'],
              [
                'ServiceAccount',
                `${health.identity.namespace}/${health.identity.serviceAccount}`,
              ],
              [
                'Federated credential subject',
                <code>{health.identity.federatedCredentialSubject}</code>,
              ],
              ['Client id', health.identity.clientId ?? 'not set'],
            ]}
          />
        </Section>
      </Grid>
      <Grid item xs={12} md={6}>
        <Section title="Findings">
          <SimpleTable
            label="Findings"
            columns={['Severity', 'Code', 'Message', 'Object']}
            empty="No findings."
            rows={health.findings.map(f => [
              <StateChip
                tone={f.severity === 'error' ? 'error' : 'warning'}
                label={f.severity}
              />,
              f.code,
              f.message,
              f.object ?? '',
            ])}
          />
        </Section>
      </Grid>
    </>
  );
}

/** The Sandbox tab for a sandbox name. @public */
export function KarsSandboxView(props: { name: string }) {
  const { name } = props;
  const sandbox = useKars(api => api.getSandbox(name), [name]);
  const health = useKars(api => api.getHealth(name), [name]);
  const events = useKars(api => api.getEvents(name), [name]);
  const refresh = () => {
    sandbox.retry();
    health.retry();
    events.retry();
  };

  if (sandbox.loading && !sandbox.value) return <Progress />;
  if (sandbox.error) {
    return <KarsErrorState error={sandbox.error} what={`sandbox ${name}`} />;
  }
  const s = sandbox.value!;
  return (
    <Box>
      <KarsClusterBanner />
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <Section
            title={`Sandbox ${s.name}`}
            subheader={`${s.cluster} / ${s.namespace}`}
          >
            <Box display="flex" alignItems="center" style={{ gap: 8 }} mb={2}>
              <PhaseChip
                phase={health.value?.phase ?? s.status.phase}
                suspended={s.spec.suspended}
              />
              {s.deleting && <StateChip tone="warning" label="Deleting" />}
              <Typography variant="body2">
                Model {s.spec.model} · runtime {s.spec.runtime.kind} · isolation{' '}
                {s.spec.sandbox.isolation}
              </Typography>
            </Box>
            <SandboxActions sandbox={s} onChanged={refresh} />
          </Section>
        </Grid>
        {health.loading && !health.value && (
          <Grid item xs={12}>
            <Progress />
          </Grid>
        )}
        {health.error && (
          <Grid item xs={12}>
            <KarsErrorState
              error={health.error}
              what={`the health of ${name}`}
            />
          </Grid>
        )}
        {health.value && <HealthSections sandbox={s} health={health.value} />}
        {s.status.a2aGateway && (
          <Grid item xs={12}>
            <GatewaySection sandbox={s} />
          </Grid>
        )}
        <Grid item xs={12} md={6}>
          <Section title="Egress allowlist">
            <EgressTable endpoints={s.spec.networkPolicy.allowedEndpoints} />
          </Section>
        </Grid>
        <Grid item xs={12} md={6}>
          <Section title="Conditions">
            <ConditionsTable
              conditions={health.value?.conditions ?? s.status.conditions}
            />
          </Section>
        </Grid>
        <Grid item xs={12}>
          <KubeEventsCard name={name} />
        </Grid>
        <Grid item xs={12}>
          <LogsCard name={name} />
        </Grid>
        <Grid item xs={12}>
          <Section title="Recent audit events">
            {events.loading && !events.value && <Progress />}
            {events.error && (
              <KarsErrorState
                error={events.error}
                what={`the events of ${name}`}
              />
            )}
            {events.value && (
              <EventsTable events={events.value.items.slice(0, 20)} />
            )}
          </Section>
        </Grid>
      </Grid>
    </Box>
  );
}

/** The Sandbox tab of a `kars-sandbox` resource or an `ai-agent` component. @public */
export function KarsSandboxContent() {
  const { entity } = useEntity();
  const name = getSandboxName(entity);
  if (!name) {
    return <MissingAnnotationEmptyState annotation={KARS_SANDBOX_ANNOTATION} />;
  }
  return <KarsSandboxView name={name} />;
}
