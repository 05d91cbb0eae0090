import { useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormHelperText from '@material-ui/core/FormHelperText';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import AddIcon from '@material-ui/icons/Add';
import { ApiHolder, useApi } from '@backstage/core-plugin-api';
import {
  FieldExtensionComponentProps,
  CustomFieldValidator,
} from '@backstage/plugin-scaffolder-react';

type FieldValidation = Parameters<CustomFieldValidator<unknown>>[1];
import { karsApiRef } from '../../api';
import { errorMessage } from '../useKars';
import { EndpointIssues, apiFrom, endpointIssues } from './validation';

/** One allowlist row as the form keeps it. @public */
export type EgressRow = { host?: string; port?: number };

/**
 * `ui:field: KarsEgressAllowlist`: an editor for `spec.networkPolicy.allowedEndpoints`
 * (`{host, port}` rows), each row checked live by the backend.
 * @public
 */
export function KarsEgressAllowlistField(
  props: FieldExtensionComponentProps<EgressRow[]>,
) {
  const { formData, onChange, schema, rawErrors, disabled, idSchema } = props;
  const api = useApi(karsApiRef);
  const rows = formData ?? [];
  const [issues, setIssues] = useState<EndpointIssues>({
    all: [],
    byRow: new Map(),
  });
  const key = JSON.stringify(rows);

  useEffect(() => {
    if (rows.length === 0) {
      setIssues({ all: [], byRow: new Map() });
      return undefined;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      endpointIssues(api, rows, controller.signal)
        .then(setIssues)
        .catch(e => {
          if (!controller.signal.aborted) {
            setIssues({
              all: [`Could not check the allowlist: ${errorMessage(e)}`],
              byRow: new Map(),
            });
          }
        });
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);

  const set = (i: number, row: EgressRow) =>
    onChange(rows.map((r, j) => (j === i ? row : r)));
  const id = idSchema?.$id ?? 'kars-egress';
  const rowless = issues.all.filter(m => !m.startsWith('Entry '));
  return (
    <Box mt={2} mb={1}>
      <Typography variant="subtitle1" component="label" id={`${id}-label`}>
        {schema.title ?? 'Egress allowlist'}
      </Typography>
      {schema.description && (
        <Typography variant="body2" color="textSecondary">
          {schema.description}
        </Typography>
      )}
      {rows.map((row, i) => {
        const rowIssues = issues.byRow.get(i) ?? [];
        return (
          <Box
            key={i}
            display="flex"
            alignItems="flex-start"
            style={{ gap: 8 }}
            mt={1}
          >
            <TextField
              id={`${id}-${i}-host`}
              label={`Host ${i + 1}`}
              placeholder="api.example.com or 203.0.113.0/24"
              value={row.host ?? ''}
              disabled={disabled}
              onChange={e => set(i, { ...row, host: e.target.value.trim() })}
              error={rowIssues.length > 0}
              helperText={rowIssues.join('; ') || ' '}
              style={{ flex: 1 }}
            />
            <TextField
              id={`${id}-${i}-port`}
              label={`Port ${i + 1}`}
              type="number"
              value={row.port ?? ''}
              placeholder="443"
              disabled={disabled}
              onChange={e =>
                set(i, {
                  ...row,
                  port:
                    e.target.value === '' ? undefined : Number(e.target.value),
                })
              }
              inputProps={{ min: 1, max: 65535 }}
              style={{ width: 120 }}
              helperText=" "
            />
            <IconButton
              aria-label={`Remove entry ${i + 1}`}
              disabled={disabled}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              <DeleteIcon />
            </IconButton>
          </Box>
        );
      })}
      <Button
        startIcon={<AddIcon />}
        disabled={disabled}
        onClick={() => onChange([...rows, { host: '', port: 443 }])}
      >
        Add endpoint
      </Button>
      {[...rowless, ...(rawErrors ?? [])].map(m => (
        <FormHelperText key={m} error>
          {m}
        </FormHelperText>
      ))}
    </Box>
  );
}

/** Refuses the form while the backend has issues with an entry. @public */
export async function karsEgressAllowlistValidation(
  value: EgressRow[] | undefined,
  validation: FieldValidation,
  context: { apiHolder: ApiHolder },
) {
  if (!value || value.length === 0) return;
  const rows = value.map(r => ({ host: r.host ?? '', port: r.port ?? 443 }));
  const { all } = await endpointIssues(apiFrom(context.apiHolder), rows);
  for (const message of all) validation.addError(message);
}
