import { useEffect, useState } from 'react';
import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/core-plugin-api';
import {
  FieldExtensionComponentProps,
  CustomFieldValidator,
} from '@backstage/plugin-scaffolder-react';

type FieldValidation = Parameters<CustomFieldValidator<unknown>>[1];
import { ApiHolder } from '@backstage/core-plugin-api';
import { karsApiRef } from '../../api';
import { errorMessage } from '../useKars';
import { apiFrom, nameIssues } from './validation';

/**
 * `ui:field: KarsSandboxName`: the sandbox name, checked live against the backend
 * (`POST /api/kars/sandboxes/validate`): DNS-1035, length, reserved and taken names.
 * @public
 */
export function KarsSandboxNameField(
  props: FieldExtensionComponentProps<string>,
) {
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
  const api = useApi(karsApiRef);
  const value = formData ?? '';
  const [live, setLive] = useState<{ checking: boolean; issues: string[] }>({
    checking: false,
    issues: [],
  });

  useEffect(() => {
    if (!value) {
      setLive({ checking: false, issues: [] });
      return undefined;
    }
    const controller = new AbortController();
    setLive(l => ({ ...l, checking: true }));
    const timer = setTimeout(() => {
      nameIssues(api, value, controller.signal)
        .then(issues => setLive({ checking: false, issues }))
        .catch(e => {
          if (!controller.signal.aborted) {
            setLive({
              checking: false,
              issues: [`Could not check the name: ${errorMessage(e)}`],
            });
          }
        });
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, value]);

  const errors = live.issues.length ? live.issues : rawErrors ?? [];
  const help =
    uiSchema?.['ui:help'] ??
    schema.description ??
    'Lowercase letters, digits and "-"; starts with a letter.';
  let helperText: string = help;
  if (errors.length) helperText = errors.join('; ');
  else if (live.checking) helperText = 'Checking…';
  else if (value) helperText = `${value} is available.`;
  return (
    <TextField
      id={idSchema?.$id ?? 'kars-sandbox-name'}
      label={schema.title ?? 'Sandbox name'}
      required={required}
      disabled={disabled}
      value={value}
      onChange={e => onChange(e.target.value.trim() || undefined)}
      error={errors.length > 0}
      helperText={helperText}
      margin="normal"
      fullWidth
      inputProps={{ 'aria-label': schema.title ?? 'Sandbox name' }}
    />
  );
}

/** Refuses the form while the backend has issues with the name. @public */
export async function karsSandboxNameValidation(
  value: string,
  validation: FieldValidation,
  context: { apiHolder: ApiHolder },
) {
  if (!value) return;
  for (const issue of await nameIssues(apiFrom(context.apiHolder), value)) {
    validation.addError(issue);
  }
}
