import { policyStatus } from './policyStatus';

describe('the ValidatingAdmissionPolicy status', () => {
  it('records the generation and the expressions that do not compile', () => {
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'p', generation: 3 },
      spec: {
        matchConditions: [{ name: 'm', expression: 'true' }],
        variables: [{ name: 'v', expression: 'object.spec.' }],
        validations: [
          { expression: 'variables.v == 1', messageExpression: "'x' +" },
        ],
      },
    };
    const status = policyStatus(policy);
    expect(status.observedGeneration).toBe(3);
    expect(
      status.typeChecking.expressionWarnings.map((w: any) => w.fieldRef),
    ).toEqual([
      'spec.variables[0].expression',
      'spec.validations[0].messageExpression',
    ]);
    expect(
      policyStatus({
        ...policy,
        spec: { validations: [{ expression: 'true' }] },
      }),
    ).toEqual({ observedGeneration: 3, typeChecking: {} });
  });
});
