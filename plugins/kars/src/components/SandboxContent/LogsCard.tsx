import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { LogViewer, Progress, WarningPanel } from '@backstage/core-components';
import { LOG_CONTAINERS, LogContainer } from '@kars-portal/plugin-kars-common';
import { KarsErrorState } from '../ErrorStates';
import { errorMessage, errorStatus, useSandboxLogs } from '../useKars';
import { Section } from './tables';

export const LOG_CONTAINER_LABELS: Record<LogContainer, string> = {
  agent: 'agent',
  'inference-router': 'inference router',
  'egress-guard': 'egress guard',
};

export const LOG_LINE_CHOICES = [100, 200, 500, 1000] as const;

/** Why the logs could not be read, in words for the reader; a 403 is not an error page. */
function LogsError(props: { error: Error; name: string }) {
  const { error, name } = props;
  const status = errorStatus(error);
  if (status === 403) {
    return (
      <WarningPanel
        severity="info"
        title="You may not read this sandbox's logs"
        message={`Reading the logs of ${name} needs the kars.sandbox.logs permission on it.`}
      />
    );
  }
  if (status === 502) {
    return (
      <WarningPanel
        severity="warning"
        title="The cluster did not serve these logs"
        message={errorMessage(error)}
      />
    );
  }
  return <KarsErrorState error={error} what={`the logs of ${name}`} />;
}

/** The logs card of the Sandbox tab: a container, its last lines, and follow. */
export function LogsCard(props: { name: string }) {
  const { name } = props;
  const [container, setContainer] = useState<LogContainer>('agent');
  const [tailLines, setTailLines] = useState<number>(200);
  const [follow, setFollow] = useState(false);
  const logs = useSandboxLogs(name, container, tailLines, follow);
  return (
    <Section
      title="Logs"
      subheader="The containers of the sandbox's pod; never stored in the browser"
    >
      <Box display="flex" alignItems="center" style={{ gap: 16 }} mb={2}>
        <TextField
          select
          id="kars-logs-container"
          label="Container"
          value={container}
          onChange={e => setContainer(e.target.value as LogContainer)}
          SelectProps={{ native: true }}
          size="small"
        >
          {LOG_CONTAINERS.map(c => (
            <option key={c} value={c}>
              {LOG_CONTAINER_LABELS[c]}
            </option>
          ))}
        </TextField>
        <TextField
          select
          id="kars-logs-lines"
          label="Lines"
          value={tailLines}
          onChange={e => setTailLines(Number(e.target.value))}
          SelectProps={{ native: true }}
          size="small"
        >
          {LOG_LINE_CHOICES.map(n => (
            <option key={n} value={n}>
              last {n}
            </option>
          ))}
        </TextField>
        <FormControlLabel
          control={
            <Switch
              checked={follow}
              onChange={e => setFollow(e.target.checked)}
              color="primary"
            />
          }
          label="Follow"
        />
        {!follow && (
          <Button variant="outlined" size="small" onClick={logs.retry}>
            Refresh
          </Button>
        )}
      </Box>
      {logs.loading && <Progress />}
      {logs.error && <LogsError error={logs.error} name={name} />}
      {!logs.loading && !logs.error && !logs.text && (
        <Typography variant="body2">
          {follow ? 'Waiting for new lines…' : 'No log lines.'}
        </Typography>
      )}
      {logs.text && (
        <Box height={400} aria-label={`Logs of ${container}`} role="log">
          <LogViewer text={logs.text} />
        </Box>
      )}
    </Section>
  );
}
