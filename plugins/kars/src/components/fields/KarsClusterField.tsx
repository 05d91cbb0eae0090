import { useEffect } from 'react';
import TextField from '@material-ui/core/TextField';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { ClusterInfo } from '@kars-portal/plugin-kars-common';
import { errorMessage, useKars } from '../useKars';

type Cluster = ClusterInfo['clusters'][number];

/** How the picker names a cluster: `primary (default, production)`. */
export function clusterLabel(cluster: Cluster): string {
  const traits = [
    cluster.default && 'default',
    cluster.production && 'production',
    cluster.embedded && 'embedded',
    cluster.simulated && 'simulated',
  ].filter(Boolean);
  return traits.length
    ? `${cluster.name} (${traits.join(', ')})`
    : cluster.name;
}

/** The cluster a new sandbox goes to unless someone picks another: the default, else the first. */
export function defaultClusterName(clusters: Cluster[]): string | undefined {
  return (clusters.find(c => c.default) ?? clusters[0])?.name;
}

/**
 * `ui:field: KarsCluster`: a picker over the clusters the kars backend is configured with
 * (`GET /api/kars/cluster`), set to the default cluster until someone picks another.
 * @public
 */
export function KarsClusterField(props: FieldExtensionComponentProps<string>) {
  const {
    formData,
    onChange,
    required,
    rawErrors,
    schema,
    uiSchema,
    idSchema,
    disabled,
  } = props;
  const { value, loading, error } = useKars(api => api.getCluster(), []);
  const clusters = value?.clusters ?? [];
  const fallback = defaultClusterName(clusters);

  useEffect(() => {
    if (!formData && fallback) onChange(fallback);
  }, [formData, fallback, onChange]);

  const listed = clusters.some(c => c.name === formData);
  let helperText: string =
    uiSchema?.['ui:help'] ??
    schema.description ??
    'The cluster the sandbox runs on.';
  if (rawErrors?.length) helperText = rawErrors.join('; ');
  else if (error) {
    helperText = `Could not list the clusters: ${errorMessage(
      error,
    )}. The sandbox goes to the default cluster.`;
  } else if (loading) helperText = 'Loading the clusters…';
  const label = schema.title ?? 'Cluster';
  return (
    <TextField
      id={idSchema?.$id ?? 'kars-cluster'}
      select
      label={label}
      required={required}
      disabled={disabled || loading || clusters.length === 0}
      value={formData ?? ''}
      onChange={e => onChange(e.target.value || undefined)}
      error={Boolean(rawErrors?.length || error)}
      helperText={helperText}
      margin="normal"
      fullWidth
      SelectProps={{ native: true }}
      inputProps={{ 'aria-label': label }}
    >
      {!formData && <option value="" />}
      {formData && !listed && <option value={formData}>{formData}</option>}
      {clusters.map(c => (
        <option key={c.name} value={c.name}>
          {clusterLabel(c)}
        </option>
      ))}
    </TextField>
  );
}
