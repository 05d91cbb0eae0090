import { KubeConfig } from '@kubernetes/client-node';
import {
  ClientNodeGateway,
  KarsClusterConnector,
} from '@kars-portal/plugin-kars-node';

/** Type `inCluster`: the cluster the backend's pod runs in, as the pod's ServiceAccount. */
export const inClusterConnector: KarsClusterConnector = {
  async connect() {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromCluster();
    return { gateway: new ClientNodeGateway(kubeConfig) };
  },
};
