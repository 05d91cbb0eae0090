import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { CodeSnippet } from '@backstage/core-components';
import { AgentCard, agentCardSchema } from '@kars-portal/plugin-kars-common';
import { SimpleTable } from '../SandboxContent/tables';
import { StateChip } from '../common';

/** Parses an API definition as an A2A card; the error says why it is not one. */
export function parseAgentCard(
  definition: string,
): { card: AgentCard } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(definition);
  } catch (e) {
    return { error: `The definition is not JSON: ${(e as Error).message}` };
  }
  const result = agentCardSchema.safeParse(json);
  if (!result.success) {
    return {
      error: `The definition is not an A2A agent card: ${result.error.issues
        .map(i => `${i.path.join('.') || '(root)'} ${i.message}`)
        .join('; ')}`,
    };
  }
  return { card: result.data };
}

/** Renders an A2A agent card. @public */
export function A2aAgentCard(props: { card: AgentCard }) {
  const { card } = props;
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <Box>
        <Typography variant="h5" component="h2">
          {card.name}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          Version {card.version}
          {card.provider
            ? ` · provided by ${card.provider.organization} (${card.provider.url})`
            : ''}
        </Typography>
        <Typography variant="body1">{card.description}</Typography>
      </Box>
      <Box>
        <Typography variant="h6" component="h3">
          Interfaces
        </Typography>
        <SimpleTable
          label="Interfaces"
          columns={['URL', 'Binding', 'Protocol version']}
          empty="No interfaces."
          rows={card.supportedInterfaces.map(i => [
            <code>{i.url}</code>,
            i.protocolBinding,
            i.protocolVersion,
          ])}
        />
      </Box>
      <Box>
        <Typography variant="h6" component="h3">
          Capabilities
        </Typography>
        <Box display="flex" style={{ gap: 8 }}>
          <StateChip
            tone={card.capabilities.streaming ? 'ok' : 'off'}
            label={`streaming: ${card.capabilities.streaming ? 'yes' : 'no'}`}
          />
          <StateChip
            tone={card.capabilities.pushNotifications ? 'ok' : 'off'}
            label={`push notifications: ${
              card.capabilities.pushNotifications ? 'yes' : 'no'
            }`}
          />
        </Box>
        <Typography variant="body2">
          Input: {card.defaultInputModes.join(', ')} · Output:{' '}
          {card.defaultOutputModes.join(', ')}
        </Typography>
      </Box>
      <Box>
        <Typography variant="h6" component="h3">
          Skills
        </Typography>
        <SimpleTable
          label="Skills"
          columns={['Skill', 'Description', 'Tags']}
          empty="This agent advertises no skills."
          rows={card.skills.map(s => [
            <>
              <strong>{s.name}</strong>
              <br />
              <Typography variant="caption">{s.id}</Typography>
            </>,
            s.description,
            <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
              {s.tags.map(t => (
                <Chip key={t} size="small" label={t} />
              ))}
            </Box>,
          ])}
        />
      </Box>
    </Box>
  );
}

/** The A2A definition widget body: the card, or why the definition is not one. @public */
export function A2aDefinitionWidget(props: { definition: string }) {
  const parsed = parseAgentCard(props.definition);
  if ('error' in parsed) {
    return (
      <Box>
        <Alert severity="warning">{parsed.error}</Alert>
        <CodeSnippet text={props.definition} language="json" />
      </Box>
    );
  }
  return <A2aAgentCard card={parsed.card} />;
}
