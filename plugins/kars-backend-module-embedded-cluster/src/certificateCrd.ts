const preserved = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
};

/**
 * cert-manager's Certificate kind (`certificates.cert-manager.io`, v1, cert-manager ≥ 1.14), as the
 * embedded cluster serves it for the public A2A gateway: the fields the portal writes typed and
 * required as cert-manager types them, the rest of cert-manager's schema kept unvalidated. Tests on
 * the real kube-apiserver apply cert-manager's own CRDs (`@kars-portal/kube-testenv`'s
 * `certManagerCrdFiles`) instead.
 */
export function buildCertificateCrd() {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'certificates.cert-manager.io' },
    spec: {
      group: 'cert-manager.io',
      scope: 'Namespaced',
      names: {
        kind: 'Certificate',
        listKind: 'CertificateList',
        plural: 'certificates',
        singular: 'certificate',
        shortNames: ['cert', 'certs'],
        categories: ['cert-manager'],
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            {
              name: 'Ready',
              type: 'string',
              jsonPath: '.status.conditions[?(@.type == "Ready")].status',
            },
            { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  required: ['issuerRef', 'secretName'],
                  'x-kubernetes-preserve-unknown-fields': true,
                  properties: {
                    secretName: { type: 'string' },
                    dnsNames: { type: 'array', items: { type: 'string' } },
                    usages: { type: 'array', items: { type: 'string' } },
                    issuerRef: {
                      type: 'object',
                      required: ['name'],
                      properties: {
                        name: { type: 'string' },
                        kind: { type: 'string' },
                        group: { type: 'string' },
                      },
                    },
                    privateKey: {
                      type: 'object',
                      properties: {
                        algorithm: {
                          type: 'string',
                          enum: ['RSA', 'ECDSA', 'Ed25519'],
                        },
                        size: { type: 'integer' },
                        rotationPolicy: {
                          type: 'string',
                          enum: ['Never', 'Always'],
                        },
                        encoding: { type: 'string' },
                      },
                    },
                  },
                },
                status: preserved,
              },
            },
          },
        },
      ],
    },
  };
}
