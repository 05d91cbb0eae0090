import { KubeConfig } from '@kubernetes/client-node';
import {
  ClientNodeGateway,
  KarsClusterConnector,
} from '@kars-portal/plugin-kars-node';

/** Type `kubeconfig`: a kubeconfig file (`kubeconfigPath`, else KUBECONFIG or ~/.kube/config) and an optional `context`. */
export const kubeconfigConnector: KarsClusterConnector = {
  async connect({ config }) {
    const kubeConfig = new KubeConfig();
    const file = config.getOptionalString('kubeconfigPath');
    if (file) kubeConfig.loadFromFile(file);
    else kubeConfig.loadFromDefault();
    const context = config.getOptionalString('context');
    if (context) kubeConfig.setCurrentContext(context);
    return { gateway: new ClientNodeGateway(kubeConfig) };
  },
};
