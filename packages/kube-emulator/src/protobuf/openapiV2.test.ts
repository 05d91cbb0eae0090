import { parse } from 'yaml';
import { kubernetesProtos } from './descriptor';
import { encodeOpenApiV2 } from './openapiV2';

describe('OpenAPI v2 in gnostic protobuf', () => {
  it('writes maps as named entries, values of any type as YAML and oneofs by their shape', () => {
    const bytes = encodeOpenApiV2({
      swagger: '2.0',
      info: { title: 'Kubernetes', version: 'v1.36.5' },
      paths: {
        '/api/v1/namespaces': {
          get: {
            operationId: 'listCoreV1Namespace',
            parameters: [
              { $ref: '#/parameters/limit-1NfNmdNH' },
              {
                name: 'body',
                in: 'body',
                required: true,
                schema: { $ref: '#/definitions/x' },
              },
              {
                name: 'pretty',
                in: 'query',
                type: 'string',
                uniqueItems: true,
              },
            ],
            responses: {
              '200': { description: 'OK', schema: { $ref: '#/definitions/x' } },
            },
            'x-kubernetes-action': 'list',
          },
        },
      },
      definitions: {
        x: {
          type: 'object',
          required: ['spec'],
          properties: {
            additionalProperties: { type: 'string', default: '' },
            spec: {
              type: 'object',
              additionalProperties: { type: 'integer', minimum: 0 },
            },
          },
          'x-kubernetes-group-version-kind': [
            { group: 'apps', kind: 'X', version: 'v1' },
          ],
        },
      },
    });
    const Document = kubernetesProtos().openapiV2.lookupType(
      'openapi.v2.Document',
    );
    const doc: any = Document.toObject(Document.decode(bytes));
    const [path] = doc.paths.path;
    expect(path.name).toBe('/api/v1/namespaces');
    const op = path.value.get;
    expect(op.operation_id).toBe('listCoreV1Namespace');
    expect(op.parameters[0]).toEqual({
      json_reference: { _ref: '#/parameters/limit-1NfNmdNH' },
    });
    expect(op.parameters[1].parameter.body_parameter.schema._ref).toBe(
      '#/definitions/x',
    );
    expect(
      op.parameters[2].parameter.non_body_parameter.query_parameter_sub_schema,
    ).toEqual({
      name: 'pretty',
      in: 'query',
      type: 'string',
      unique_items: true,
    });
    expect(
      op.responses.response_code[0].value.response.schema.schema._ref,
    ).toBe('#/definitions/x');
    expect(parse(op.vendor_extension[0].value.yaml)).toBe('list');
    const [x] = doc.definitions.additional_properties;
    expect(x.value.type.value).toEqual(['object']);
    const props = x.value.properties.additional_properties;
    expect(props.map((p: any) => p.name)).toEqual([
      'additionalProperties',
      'spec',
    ]);
    expect(parse(props[0].value.default.yaml)).toBe('');
    expect(props[1].value.additional_properties.schema.type.value).toEqual([
      'integer',
    ]);
    expect(props[1].value.additional_properties.schema.minimum).toBeUndefined();
    expect(parse(x.value.vendor_extension[0].value.yaml)).toEqual([
      { group: 'apps', kind: 'X', version: 'v1' },
    ]);
  });
});
