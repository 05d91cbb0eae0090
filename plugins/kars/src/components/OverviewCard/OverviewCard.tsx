import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { InfoCard, Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getSandboxName } from '../entity';
import { KarsErrorState } from '../ErrorStates';
import { useKars } from '../useKars';
import { BudgetGauge, CHANNEL_LABELS, PhaseChip, StateChip } from '../common';

/** The overview card for a sandbox name. @public */
export function KarsSandboxCardView(props: { name: string; tabPath?: string }) {
  const { name, tabPath = 'kars' } = props;
  const sandbox = useKars(api => api.getSandbox(name), [name]);
  const health = useKars(api => api.getHealth(name), [name]);
  let body;
  if (sandbox.loading && !sandbox.value) body = <Progress />;
  else if (sandbox.error)
    body = <KarsErrorState error={sandbox.error} what={`sandbox ${name}`} />;
  else {
    const s = sandbox.value!;
    const h = health.value;
    const daily = h?.budget.windows.find(w => w.window === 'daily');
    const unknownBudget = h?.budget.state === 'unknown';
    const trouble = (h?.channels ?? []).filter(
      c => c.state === 'credentials-missing' || c.workload === 'not-ready',
    );
    body = (
      <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <PhaseChip
            phase={h?.phase ?? s.status.phase}
            suspended={s.spec.suspended}
          />
          <Typography variant="body2">
            Isolation <strong>{s.spec.sandbox.isolation}</strong> · model{' '}
            <strong>{s.spec.model}</strong>
          </Typography>
        </Box>
        {health.error && (
          <Typography variant="body2">
            Health unavailable: {health.error.message}
          </Typography>
        )}
        {daily && (
          <BudgetGauge
            label="Today (daily)"
            limit={daily.limit}
            used={unknownBudget ? null : daily.used}
            fraction={unknownBudget ? null : daily.fraction}
            unknownReason={
              unknownBudget ? 'budget source unavailable' : undefined
            }
          />
        )}
        {h && (
          <Box>
            {trouble.length === 0 ? (
              <StateChip tone="ok" label="No channel trouble" />
            ) : (
              trouble.map(c => (
                <StateChip
                  key={c.channel}
                  tone="warning"
                  label={`${CHANNEL_LABELS[c.channel]}: ${
                    c.state === 'credentials-missing'
                      ? 'credentials missing'
                      : 'not ready'
                  }`}
                />
              ))
            )}
          </Box>
        )}
      </Box>
    );
  }
  return (
    <InfoCard
      title="kars sandbox"
      subheader={name}
      deepLink={{ title: 'Open the Sandbox tab', link: tabPath }}
    >
      {body}
    </InfoCard>
  );
}

/** The overview card of a sandbox entity. @public */
export function KarsSandboxOverviewCard(props: { tabPath?: string }) {
  const { entity } = useEntity();
  const name = getSandboxName(entity);
  if (!name) {
    return (
      <InfoCard title="kars sandbox">
        <Typography variant="body2">
          This entity has no kars.azure.com/sandbox annotation.
        </Typography>
      </InfoCard>
    );
  }
  return <KarsSandboxCardView name={name} tabPath={props.tabPath} />;
}
