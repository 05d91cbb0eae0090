import { Environment, EvaluationError } from '@marcbachmann/cel-js';
import { registerKubernetesLibrary } from './library';

/** An expression that did not compile; the text is what kube-apiserver prints after `compilation failed:`. */
export class CelCompileError extends Error {}

/** An expression whose evaluation failed, worded like cel-go's runtime errors. */
export class CelEvalError extends Error {}

/** A compiled expression. */
export interface CelProgram {
  readonly expression: string;
  /** Whether it reads `oldSelf` (a transition rule). */
  readonly usesOldSelf: boolean;
  evaluate(activation: Record<string, unknown>): unknown;
}

/** The variables of the two places kube-apiserver evaluates CEL. */
export type CelScope = 'crd' | 'admission';

const VARIABLES: Record<CelScope, string[]> = {
  crd: ['self', 'oldSelf'],
  admission: [
    'object',
    'oldObject',
    'request',
    'params',
    'namespaceObject',
    'variables',
  ],
};

let base: Environment | undefined;
const environments = new Map<CelScope, Environment>();
const programs = new Map<string, CelProgram | CelCompileError>();

function environment(scope: CelScope): Environment {
  let env = environments.get(scope);
  if (!env) {
    base ??= registerKubernetesLibrary(
      new Environment({
        enableOptionalTypes: true,
        homogeneousAggregateLiterals: false,
      }),
    );
    env = base.clone();
    for (const name of VARIABLES[scope]) env.registerVariable(name, 'dyn');
    environments.set(scope, env);
  }
  return env;
}

/** cel-js's error summaries in cel-go's words, where the two differ. */
function celGoMessage(e: unknown): string {
  if (e instanceof CelEvalError) return e.message;
  if (!(e instanceof EvaluationError))
    return String((e as Error)?.message ?? e);
  switch (e.code) {
    case 'no_such_key':
      return e.summary.replace(/^No such key: /, 'no such key: ');
    case 'no_such_overload':
      return 'no such overload';
    default:
      return e.summary;
  }
}

/** Whether a cel-js AST (or a list of them, as in macro arguments) reads the identifier `name`. */
function reads(node: unknown, name: string): boolean {
  if (Array.isArray(node)) return node.some(n => reads(n, name));
  if (typeof node !== 'object' || node === null || !('op' in node))
    return false;
  const { op, args } = node as { op: string; args: unknown };
  return op === 'id' ? args === name : reads(args, name);
}

/** Compiles (once per scope and text) an expression; throws CelCompileError. */
export function compileCel(scope: CelScope, expression: string): CelProgram {
  const key = `${scope}\u0000${expression}`;
  let program = programs.get(key);
  if (!program) {
    try {
      const parsed = environment(scope).parse(expression);
      program = {
        expression,
        usesOldSelf: reads(parsed.ast, 'oldSelf'),
        evaluate(activation) {
          try {
            return parsed(activation);
          } catch (e) {
            throw new CelEvalError(celGoMessage(e));
          }
        },
      };
    } catch (e) {
      program = new CelCompileError((e as Error).message ?? String(e));
    }
    programs.set(key, program);
  }
  if (program instanceof CelCompileError) throw program;
  return program;
}
