import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Link as RouterLink } from 'react-router-dom';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CHANNEL_CREDENTIAL_KEYS,
  CredentialKey,
  Credentials,
  PLUGIN_CREDENTIAL_KEYS,
  Sandbox,
  credentialsSchema,
  karsCredentialsUpdatePermission,
  karsSandboxDeletePermission,
  karsSandboxUpdatePermission,
} from '@kars-portal/plugin-kars-common';
import { karsApiRef } from '../../api';
import { errorMessage } from '../useKars';
import { changeTemplateUrl } from './changeLink';

type Result = { severity: 'success' | 'error'; message: string };

/** The secret keys (channel tokens) the sandbox's channels use. */
export function rotatableKeys(sandbox: Sandbox): CredentialKey[] {
  return sandbox.spec.channels
    .flatMap(c => CHANNEL_CREDENTIAL_KEYS[c.type] ?? [])
    .filter(k => k !== 'WHATSAPP_ENABLED') as CredentialKey[];
}

/** Keys that are not secret tokens but live in the same Secret: shown as plain text fields. */
export function settingKeys(sandbox: Sandbox): CredentialKey[] {
  return sandbox.spec.channels.some(c => c.type === 'telegram')
    ? ['TELEGRAM_ALLOW_FROM']
    : [];
}

/**
 * What the WhatsApp switch of the rotate dialog writes: WHATSAPP_ENABLED as "true" or "false" when
 * someone flipped the switch, or when the Secret lacks the key (then the switch's position, on
 * unless flipped); nothing otherwise, so an untouched switch keeps the stored value.
 */
export function whatsappSetting(options: {
  shown: boolean;
  keySet: boolean;
  flipped?: boolean;
}): Pick<Credentials, 'WHATSAPP_ENABLED'> {
  if (!options.shown) return {};
  if (options.flipped !== undefined) {
    return { WHATSAPP_ENABLED: options.flipped ? 'true' : 'false' };
  }
  return options.keySet ? {} : { WHATSAPP_ENABLED: 'true' };
}

/**
 * Checks the filled-in credentials with the kars-common schema, as the backend will. Returns
 * the problems by key; the messages name the rule, never the value.
 */
export function credentialProblems(
  credentials: Record<string, string>,
): Partial<Record<string, string>> {
  const parsed = credentialsSchema.safeParse(credentials);
  if (parsed.success) return {};
  const problems: Partial<Record<string, string>> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? '');
    problems[key] ??= issue.message;
  }
  return problems;
}

function ConfirmDialog(props: {
  open: boolean;
  title: string;
  text: string;
  confirm: string;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  return (
    <Dialog
      open={props.open}
      onClose={props.onCancel}
      aria-labelledby="kars-confirm-title"
    >
      <DialogTitle id="kars-confirm-title">{props.title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{props.text}</DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          color="secondary"
          variant="contained"
          disabled={props.busy}
          onClick={props.onConfirm}
        >
          {props.confirm}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function CredentialField(props: {
  name: CredentialKey;
  secret: boolean;
  value: string;
  problem?: string;
  helper?: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      id={`kars-credential-${props.name}`}
      label={props.name}
      type={props.secret ? 'password' : 'text'}
      autoComplete={props.secret ? 'new-password' : 'off'}
      fullWidth
      margin="dense"
      value={props.value}
      error={Boolean(props.problem)}
      helperText={
        props.problem ? `${props.name}: ${props.problem}` : props.helper
      }
      onChange={e => props.onChange(e.target.value)}
    />
  );
}

function RotateDialog(props: {
  open: boolean;
  keys: CredentialKey[];
  settings: CredentialKey[];
  /** Whether the sandbox has a whatsapp channel, and whether WHATSAPP_ENABLED is in its Secret. */
  whatsapp: { shown: boolean; keySet: boolean };
  busy: boolean;
  onCancel: () => void;
  onSubmit: (credentials: Credentials) => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Partial<Record<string, string>>>({});
  const [whatsappOn, setWhatsappOn] = useState<boolean>();
  const filled = Object.fromEntries(
    Object.entries(values).filter(([, v]) => v.trim() !== ''),
  );
  const toWrite = {
    ...filled,
    ...whatsappSetting({ ...props.whatsapp, flipped: whatsappOn }),
  };
  const clear = () => {
    setValues({});
    setProblems({});
    setWhatsappOn(undefined);
  };
  const field = (key: CredentialKey, secret: boolean, helper?: string) => (
    <CredentialField
      key={key}
      name={key}
      secret={secret}
      helper={helper}
      value={values[key] ?? ''}
      problem={problems[key]}
      onChange={value => {
        setValues(v => ({ ...v, [key]: value }));
        setProblems(p => {
          const next = { ...p };
          delete next[key];
          return next;
        });
      }}
    />
  );
  const problemKeys = Object.keys(problems);
  return (
    <Dialog
      open={props.open}
      onClose={() => {
        clear();
        props.onCancel();
      }}
      aria-labelledby="kars-rotate-title"
    >
      <DialogTitle id="kars-rotate-title">Rotate credentials</DialogTitle>
      <DialogContent>
        <DialogContentText>
          New values replace the stored ones; keys left empty are kept. Values
          are write-only: the portal never shows them again. The sandbox
          restarts to pick them up.
        </DialogContentText>
        <Typography variant="subtitle2">Channel tokens</Typography>
        {props.keys.length === 0 && (
          <DialogContentText>
            This sandbox uses no channel with a token.
          </DialogContentText>
        )}
        {props.keys.map(key => field(key, true))}
        {props.settings.map(key =>
          field(
            key,
            false,
            'Telegram user ids or @names allowed to talk to the agent, comma-separated',
          ),
        )}
        {props.whatsapp.shown && (
          <Box mt={1}>
            <FormControlLabel
              control={
                <Switch
                  color="primary"
                  checked={whatsappOn ?? true}
                  onChange={e => setWhatsappOn(e.target.checked)}
                  inputProps={{ 'aria-label': 'WhatsApp enabled' }}
                />
              }
              label="WhatsApp enabled (WHATSAPP_ENABLED)"
            />
            <Typography variant="caption" component="p">
              {props.whatsapp.keySet && whatsappOn === undefined
                ? 'Set: kept as it is unless you flip the switch.'
                : `Rotate writes WHATSAPP_ENABLED=${String(
                    whatsappOn ?? true,
                  )}.`}
            </Typography>
          </Box>
        )}
        <Box mt={2}>
          <Typography variant="subtitle2">Plugin API keys</Typography>
        </Box>
        {PLUGIN_CREDENTIAL_KEYS.map(key => field(key, true))}
        {problemKeys.length > 0 && (
          <Box mt={1}>
            <Alert severity="error">
              Not sent: check {problemKeys.join(', ')}.
            </Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button
          onClick={() => {
            clear();
            props.onCancel();
          }}
        >
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          disabled={props.busy || Object.keys(toWrite).length === 0}
          onClick={() => {
            const found = credentialProblems(toWrite);
            if (Object.keys(found).length > 0) {
              setProblems(found);
              return;
            }
            props.onSubmit(toWrite as Credentials);
            clear();
          }}
        >
          Rotate
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * Change (the Change sandbox template, pre-filled), rotate credentials, suspend or resume, delete:
 * each shown only when permitted.
 */
export function SandboxActions(props: {
  sandbox: Sandbox;
  onChanged: () => void;
}) {
  const { sandbox, onChanged } = props;
  const api = useApi(karsApiRef);
  const alertApi = useApi(alertApiRef);
  const update = usePermission({
    permission: karsSandboxUpdatePermission,
    resourceRef: sandbox.name,
  });
  const del = usePermission({
    permission: karsSandboxDeletePermission,
    resourceRef: sandbox.name,
  });
  const creds = usePermission({
    permission: karsCredentialsUpdatePermission,
    resourceRef: sandbox.name,
  });
  const [dialog, setDialog] = useState<'rotate' | 'suspend' | 'delete'>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>();
  const suspended = sandbox.spec.suspended;

  const run = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      const r: Result = { severity: 'success', message: `${what}: done.` };
      setResult(r);
      alertApi.post({
        message: r.message,
        severity: 'success',
        display: 'transient',
      });
      onChanged();
    } catch (e) {
      const r: Result = {
        severity: 'error',
        message: `${what} failed: ${errorMessage(e)}`,
      };
      setResult(r);
      alertApi.post({ message: r.message, severity: 'error' });
    } finally {
      setBusy(false);
      setDialog(undefined);
    }
  };

  const anyAllowed = update.allowed || del.allowed || creds.allowed;
  const loading = update.loading || del.loading || creds.loading;
  return (
    <Box>
      <Box display="flex" style={{ gap: 8 }} flexWrap="wrap">
        {creds.allowed && (
          <Button
            variant="outlined"
            onClick={() => setDialog('rotate')}
            disabled={sandbox.deleting}
          >
            Rotate credentials
          </Button>
        )}
        {update.allowed && (
          <Button
            variant="outlined"
            component={RouterLink}
            to={changeTemplateUrl(sandbox)}
            disabled={sandbox.deleting}
          >
            Change
          </Button>
        )}
        {update.allowed && (
          <Button
            variant="outlined"
            onClick={() => setDialog('suspend')}
            disabled={sandbox.deleting}
          >
            {suspended ? 'Resume' : 'Suspend'}
          </Button>
        )}
        {del.allowed && (
          <Button
            variant="outlined"
            color="secondary"
            onClick={() => setDialog('delete')}
            disabled={sandbox.deleting}
          >
            Delete
          </Button>
        )}
        {!loading && !anyAllowed && (
          <Alert severity="info">
            You are not permitted to change this sandbox.
          </Alert>
        )}
      </Box>
      {result && (
        <Box mt={1}>
          <Alert
            severity={result.severity}
            onClose={() => setResult(undefined)}
          >
            {result.message}
          </Alert>
        </Box>
      )}
      <RotateDialog
        open={dialog === 'rotate'}
        keys={rotatableKeys(sandbox)}
        settings={settingKeys(sandbox)}
        whatsapp={{
          shown: sandbox.spec.channels.some(c => c.type === 'whatsapp'),
          keySet: sandbox.credentialKeys.includes('WHATSAPP_ENABLED'),
        }}
        busy={busy}
        onCancel={() => setDialog(undefined)}
        onSubmit={credentials =>
          run('Rotate credentials', () =>
            api.putCredentials(sandbox.name, {
              credentials,
              mode: 'merge',
              restart: true,
            }),
          )
        }
      />
      <ConfirmDialog
        open={dialog === 'suspend'}
        title={
          suspended ? `Resume ${sandbox.name}?` : `Suspend ${sandbox.name}?`
        }
        text={
          suspended
            ? 'The sandbox workload starts again.'
            : 'The sandbox workload scales to zero; its namespace, settings and credentials are kept.'
        }
        confirm={suspended ? 'Resume' : 'Suspend'}
        busy={busy}
        onCancel={() => setDialog(undefined)}
        onConfirm={() =>
          run(suspended ? 'Resume' : 'Suspend', () =>
            api.updateSandbox(sandbox.name, { suspended: !suspended }),
          )
        }
      />
      <ConfirmDialog
        open={dialog === 'delete'}
        title={`Delete ${sandbox.name}?`}
        text={`The namespace ${sandbox.namespace} and everything in it are deleted. This cannot be undone.`}
        confirm="Delete"
        busy={busy}
        onCancel={() => setDialog(undefined)}
        onConfirm={() => run('Delete', () => api.deleteSandbox(sandbox.name))}
      />
    </Box>
  );
}
