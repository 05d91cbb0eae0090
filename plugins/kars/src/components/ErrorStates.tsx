import {
  EmptyState,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { errorStatus } from './useKars';

/** Error, not-found and permission-denied states of a kars view. */
export function KarsErrorState(props: { error: Error; what: string }) {
  const { error, what } = props;
  const status = errorStatus(error);
  if (status === 403) {
    return (
      <WarningPanel
        severity="warning"
        title="Permission denied"
        message={`You are not allowed to see ${what}.`}
      />
    );
  }
  if (status === 404) {
    return (
      <EmptyState
        missing="data"
        title={`No ${what}`}
        description={`The kars backend does not know ${what}. It may have been deleted, or not yet created.`}
      />
    );
  }
  return <ResponseErrorPanel error={error} title={`Could not load ${what}`} />;
}
