import Alert from '@material-ui/lab/Alert';
import { useKars } from './useKars';

/**
 * Says plainly when the cluster is the embedded one and its workload signals are simulated.
 * Renders nothing otherwise, or when `GET /cluster` fails.
 * @public
 */
export function KarsClusterBanner() {
  const { value } = useKars(api => api.getCluster(), []);
  const simulated = (value?.clusters ?? []).filter(
    c => c.embedded && c.simulated,
  );
  if (simulated.length === 0) return null;
  return (
    <Alert severity="info" role="status" style={{ marginBottom: 16 }}>
      Embedded cluster{simulated.length > 1 ? 's' : ''}{' '}
      {simulated.map(c => `"${c.name}"`).join(', ')}: workload readiness and
      token use are simulated, not reported by real agent pods.
    </Alert>
  );
}
