import { Validator } from 'jsonschema';
import yaml from 'yaml';
import { actionOptions } from '../__testUtils__/context';
import { createKarsSandboxCreateAction } from './createSandbox';
import { createKarsSandboxUpdateAction } from './updateSandbox';
import { createKarsCredentialsRotateAction } from './rotateCredentials';
import { createKarsSandboxDeleteAction } from './deleteSandbox';

const options = actionOptions();
const actions = [
  createKarsSandboxCreateAction(options),
  createKarsSandboxUpdateAction(options),
  createKarsCredentialsRotateAction(options),
  createKarsSandboxDeleteAction(options),
];

describe.each(actions.map(a => [a.id, a] as const))(
  '%s examples',
  (id, action) => {
    it('has examples and supports dry run', () => {
      expect(action.examples?.length).toBeGreaterThan(0);
      expect(action.supportsDryRun).toBe(true);
    });

    it.each((action.examples ?? []).map(e => [e.description, e] as const))(
      '%s: parses and validates against the input schema',
      (_d, example) => {
        const doc = yaml.parse(example.example);
        expect(doc.steps).toHaveLength(1);
        const [step] = doc.steps;
        expect(step.action).toBe(id);
        const result = new Validator().validate(
          step.input,
          action.schema!.input!,
        );
        expect(result.errors.map(String)).toEqual([]);
      },
    );

    it('rejects an unknown input field and a wrong type', () => {
      const validator = new Validator();
      expect(
        validator.validate(
          { name: 'tenant-a', token: 'x' },
          action.schema!.input!,
        ).valid,
      ).toBe(false);
      expect(
        validator.validate({ name: 42 }, action.schema!.input!).valid,
      ).toBe(false);
    });

    it('has no input field that could carry a credential', () => {
      const names: string[] = [];
      const walk = (schema: any) => {
        if (!schema || typeof schema !== 'object') return;
        for (const [k, v] of Object.entries<any>(schema.properties ?? {})) {
          names.push(k);
          walk(v);
        }
        walk(schema.items);
      };
      walk(action.schema!.input);
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) {
        expect(n).not.toMatch(/token$|secret|password|key$|credential/i);
      }
    });
  },
);
