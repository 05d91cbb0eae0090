import Alert from '@material-ui/lab/Alert';
import { ClusterInfo } from '@kars-portal/plugin-kars-common';
import { useKars } from './useKars';

/**
 * The banner's words for the embedded, simulated clusters, each name said once and a cluster named
 * "embedded" not named again: `Embedded cluster (dev): workload readiness and token use are
 * simulated, not reported by real agent pods.`
 */
export function bannerText(names: string[]): string {
  const named = names.filter(n => n.toLowerCase() !== 'embedded');
  return `Embedded cluster${names.length > 1 ? 's' : ''}${
    named.length ? ` (${named.join(', ')})` : ''
  }: workload readiness and token use are simulated, not reported by real agent pods.`;
}

/**
 * The banner for the clusters `GET /cluster` answered (for a page that asks for them anyway):
 * nothing unless some are embedded and simulated, or while they are unknown.
 */
export function ClusterBannerView(props: {
  clusters?: ClusterInfo['clusters'];
}) {
  const simulated = (props.clusters ?? []).filter(
    c => c.embedded && c.simulated,
  );
  if (simulated.length === 0) return null;
  return (
    <Alert severity="info" role="status" style={{ marginBottom: 16 }}>
      {bannerText(simulated.map(c => c.name))}
    </Alert>
  );
}

/**
 * Says plainly when the cluster is the embedded one and its workload signals are simulated.
 * Renders nothing otherwise, or when `GET /cluster` fails.
 * @public
 */
export function KarsClusterBanner() {
  const { value } = useKars(api => api.getCluster(), []);
  return <ClusterBannerView clusters={value?.clusters} />;
}
